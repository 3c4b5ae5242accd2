"""Short everyday sentences per language for the multilingual aligner's synthetic speech.

Written for this purpose (no corpus text), a handful per language: espeak-ng reads them, and
the synthesiser shuffles their words into further utterances, so the phone model hears each
language's sounds in many orders. Keys are espeak-ng voice names. Japanese is in kana (the
bundled espeak-ng reads no kanji).
"""

from __future__ import annotations

TRAIN: dict[str, list[str]] = {
    "en-us": [
        "The weather was warm, so we walked to the river after lunch.",
        "Could you bring me the blue cup from the kitchen?",
        "My brother fixes old bicycles in his garage every weekend.",
        "She laughed when the puppy jumped into the pool.",
        "Please switch off the lights before you leave the office.",
    ],
    "en": [
        "I thought the film was rather good, but far too long.",
        "We caught the early train to York on Thursday morning.",
        "Would you like milk or lemon with your tea?",
        "The children played football in the park until it got dark.",
    ],
    "es": [
        "Mañana vamos a la playa con mis primos.",
        "¿Dónde está la estación de tren más cercana?",
        "El perro de mi vecina ladra toda la noche.",
        "Quiero un café con leche y una tostada, por favor.",
        "Los niños juegan en el jardín después de la escuela.",
    ],
    "fr": [
        "Je voudrais un croissant et un café, s'il vous plaît.",
        "Nous partons en vacances au bord de la mer.",
        "Il pleut depuis ce matin, prends ton parapluie.",
        "Ma grand-mère prépare une soupe aux légumes.",
        "Où se trouve la bibliothèque municipale ?",
    ],
    "de": [
        "Wir fahren morgen früh mit dem Zug nach München.",
        "Kannst du mir bitte das Salz geben?",
        "Der Hund schläft gern in der Sonne vor dem Haus.",
        "Ich habe heute keine Zeit, vielleicht am Freitag.",
        "Die Kinder bauen im Garten eine kleine Hütte.",
    ],
    "it": [
        "Domani andiamo al mare con gli amici.",
        "Vorrei un bicchiere d'acqua fresca, per favore.",
        "Il gatto dorme sempre sul divano rosso.",
        "La pizza di mia zia è la più buona del mondo.",
        "Quando parte il prossimo treno per Firenze?",
    ],
    "pt": [
        "Amanhã vamos jantar em casa da minha avó.",
        "O autocarro chega sempre atrasado às segundas.",
        "Gosto muito de ler livros antigos à noite.",
        "Podes fechar a janela, por favor?",
    ],
    "pt-br": [
        "Hoje o céu está azul e não tem nenhuma nuvem.",
        "Meu irmão trabalha num hospital em São Paulo.",
        "Vamos tomar um suco de laranja na padaria?",
        "As crianças brincam na rua até o sol se pôr.",
    ],
    "sv": [
        "Vi åker till stugan i skogen på fredag.",
        "Kan du hjälpa mig att bära väskorna?",
        "Hunden springer glatt efter bollen.",
        "Jag dricker kaffe med mjölk varje morgon.",
    ],
    "nl": [
        "We fietsen morgen langs de rivier naar de stad.",
        "Wil je nog een kopje thee?",
        "Mijn zus woont in een klein huis aan het water.",
        "De bakker opent zijn winkel om zes uur.",
    ],
    "ru": [
        "Завтра мы поедем к бабушке в деревню.",
        "Пожалуйста, закройте окно, здесь холодно.",
        "Мой брат любит читать книги о космосе.",
        "Кошка спит на тёплом подоконнике.",
    ],
    "pl": [
        "Jutro pojedziemy pociągiem do Krakowa.",
        "Czy możesz mi podać chleb i masło?",
        "Mój pies bardzo lubi biegać po lesie.",
        "W zimie często pijemy gorącą herbatę.",
    ],
    "cs": [
        "Zítra pojedeme na výlet do hor.",
        "Můžete mi prosím říct, kolik je hodin?",
        "Babička peče výborné koláče s tvarohem.",
        "Děti si hrají na zahradě s míčem.",
    ],
    "tr": [
        "Yarın sabah erkenden denize gideceğiz.",
        "Bana bir bardak çay verir misin?",
        "Kedim bütün gün pencerenin önünde uyuyor.",
        "Bu kitabı geçen hafta kütüphaneden aldım.",
    ],
    "fi": [
        "Huomenna menemme mökille järven rantaan.",
        "Voisitko auttaa minua kantamaan laukut?",
        "Koira juoksee iloisena metsässä.",
        "Juon aamulla aina kupin kahvia.",
    ],
    "hu": [
        "Holnap a barátaimmal kirándulni megyünk.",
        "Kérek egy pohár vizet, legyen szíves.",
        "A macska a kanapén alszik egész nap.",
        "Tegnap este egy jó filmet néztünk.",
    ],
    "el": [
        "Αύριο θα πάμε στη θάλασσα με τους φίλους μας.",
        "Μπορείς να μου δώσεις λίγο νερό;",
        "Η γάτα κοιμάται πάνω στον καναπέ.",
        "Το πρωί πίνω πάντα ένα ζεστό καφέ.",
    ],
    "ro": [
        "Mâine mergem la munte cu familia.",
        "Îmi dați, vă rog, o cafea cu lapte?",
        "Câinele vecinului latră toată noaptea.",
        "Copiii se joacă în parc după școală.",
    ],
    "hi": [
        "कल हम अपने दादा जी से मिलने गाँव जाएँगे।",
        "क्या आप मुझे एक गिलास पानी देंगे?",
        "मेरी बहन हर सुबह बगीचे में योग करती है।",
        "बारिश के बाद आसमान बहुत साफ़ दिखता है।",
    ],
    "id": [
        "Besok kami akan pergi ke pantai bersama keluarga.",
        "Bolehkah saya minta segelas air putih?",
        "Kucing saya suka tidur di bawah meja.",
        "Pasar itu selalu ramai pada hari Minggu.",
    ],
    "vi": [
        "Ngày mai chúng tôi sẽ đi biển với gia đình.",
        "Bạn có thể cho tôi một ly nước không?",
        "Con mèo nhà tôi thích ngủ trên ghế.",
        "Sáng nào mẹ tôi cũng đi chợ sớm.",
    ],
    "sw": [
        "Kesho tutakwenda sokoni kununua matunda.",
        "Tafadhali nipe kikombe cha chai.",
        "Watoto wanacheza mpira uwanjani.",
        "Mvua imenyesha sana usiku wa jana.",
    ],
    "ta": [
        "நாளை நாங்கள் கடற்கரைக்குப் போவோம்.",
        "எனக்கு ஒரு குவளை தண்ணீர் கொடுங்கள்.",
        "என் தம்பி தினமும் பள்ளிக்கு நடந்து போகிறான்.",
        "இன்று வானம் மிகவும் அழகாக இருக்கிறது.",
    ],
    "ja": [
        "あしたは ともだちと うみに いきます。",
        "すみません、えきは どこですか。",
        "わたしの ねこは いつも まどの そばで ねています。",
        "けさ パンと たまごを たべました。",
        "この みちを まっすぐ いって ください。",
    ],
    "ko": [
        "내일 친구들과 바다에 갈 거예요.",
        "물 한 잔 주시겠어요?",
        "우리 고양이는 창가에서 자는 것을 좋아해요.",
        "오늘 아침에 빵과 우유를 먹었어요.",
    ],
    "cmn": [
        "明天我们一起去公园散步。",
        "请问火车站在哪里？",
        "我的猫喜欢在窗边睡觉。",
        "今天早上我喝了一杯热牛奶。",
        "他每个周末都去图书馆看书。",
    ],
}

# languages the multilingual aligner never hears in training: its reach beyond them
UNSEEN: dict[str, list[str]] = {
    "ca": [
        "Demà anirem a la platja amb els meus cosins.",
        "On és l'estació de tren, si us plau?",
        "El gat dorm tot el dia al sofà.",
        "M'agrada molt passejar pel parc a la tarda.",
    ],
    "da": [
        "I morgen tager vi toget til København.",
        "Kan du give mig saltet, tak?",
        "Hunden sover i solen foran huset.",
        "Jeg drikker altid kaffe om morgenen.",
    ],
    "hr": [
        "Sutra idemo na more s prijateljima.",
        "Možeš li mi dodati kruh, molim te?",
        "Moja baka peče najbolje kolače.",
        "Djeca se igraju u parku poslije škole.",
    ],
    "eu": [
        "Bihar hondartzara joango gara lagunekin.",
        "Ur pixka bat eman diezadakezu, mesedez?",
        "Katuak egun osoa sofan lo egiten du.",
        "Goizean kafe bat hartzen dut beti.",
    ],
}
