// The AudioFace web demo: AudioFace's own face (glTF, all 52 ARKit targets) drawn by three.js,
// driven by /v1/animate for a file (in step with the <audio> element's clock) or by the
// /v1/stream WebSocket for the microphone. window.audioface exposes the state for tests.
import * as THREE from 'three';
import { GLTFLoader } from './vendor/three/loaders/GLTFLoader.js';

const $ = (id) => document.getElementById(id);
const state = {
  ready: false, animation: null, playing: false, framesShown: 0, frame: -1,
  live: false, liveFrames: 0, liveMaxJaw: 0, error: null,
};
window.audioface = state;

const canvas = $('face');
const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(1);
renderer.setSize(canvas.width, canvas.height, false);
renderer.outputColorSpace = THREE.SRGBColorSpace;
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x2a2d33);
const camera = new THREE.PerspectiveCamera(26, canvas.width / canvas.height, 0.01, 100);
scene.add(new THREE.HemisphereLight(0xfff4ee, 0x3a3030, 1.4));
const keyLight = new THREE.DirectionalLight(0xffffff, 2.2);
keyLight.position.set(0.5, 0.7, 1.6);
scene.add(keyLight);
const rim = new THREE.DirectionalLight(0x99bbff, 0.6);
rim.position.set(-1.2, 0.4, -0.8);
scene.add(rim);

let head = null;      // the loaded scene graph
let targets = [];     // per mesh: [mesh, indices of the 52 ARKit names in its morph targets]
let names = [];       // ARKit order, as the server sends it
let mouthMesh = null;

function status(text) { $('status').textContent = text; }

function fail(text) {
  state.error = text;
  status(text);
}

function authHeaders() {
  const key = $('key').value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function bindNames(list) {
  names = list;
  targets = [];
  head.traverse((obj) => {
    if (obj.isMesh && obj.morphTargetDictionary) {
      targets.push([obj, names.map((n) => obj.morphTargetDictionary[n] ?? -1)]);
    }
  });
}

function applyWeights(row) {
  for (const [mesh, index] of targets) {
    const influences = mesh.morphTargetInfluences;
    for (let i = 0; i < index.length; i++) if (index[i] >= 0) influences[index[i]] = row[i];
  }
}

function frameCamera() {
  const box = new THREE.Box3().setFromObject(head);
  const centre = box.getCenter(new THREE.Vector3());
  const size = box.getSize(new THREE.Vector3());
  const distance = (size.y * 0.62) / Math.tan(THREE.MathUtils.degToRad(camera.fov / 2));
  camera.position.set(centre.x, centre.y, centre.z + size.z / 2 + distance);
  camera.lookAt(centre);
}

// The mouth's rectangle on the canvas in pixels (for tests that measure the rendered mouth).
state.mouthRect = () => {
  const box = new THREE.Box3().setFromObject(mouthMesh);
  const xs = [], ys = [];
  for (const x of [box.min.x, box.max.x]) for (const y of [box.min.y, box.max.y]) for (const z of [box.min.z, box.max.z]) {
    const p = new THREE.Vector3(x, y, z).project(camera);
    xs.push((p.x + 1) / 2 * canvas.width);
    ys.push((1 - p.y) / 2 * canvas.height);
  }
  const pad = 0.35 * (Math.max(...xs) - Math.min(...xs));
  return { x: Math.min(...xs) - pad, y: Math.min(...ys) - pad, width: Math.max(...xs) - Math.min(...xs) + 2 * pad,
           height: Math.max(...ys) - Math.min(...ys) + 2 * pad };
};

// Show one frame of the loaded animation, paused (for tests and for scrubbing).
state.showFrame = (i) => {
  $('player').pause();
  state.playing = false;
  state.frame = i;
  applyWeights(state.animation.frames[i]);
  renderer.render(scene, camera);
  status(`Frame ${i + 1} of ${state.animation.frames.length} (${(i / state.animation.fps).toFixed(2)} s), paused.`);
};

function render() {
  const anim = state.animation;
  const player = $('player');
  if (anim && state.playing) {
    const i = Math.min(anim.frames.length - 1, Math.max(0, Math.floor(player.currentTime * anim.fps)));
    if (i !== state.frame) {
      applyWeights(anim.frames[i]);
      state.frame = i;
      state.framesShown += 1;
    }
  }
  renderer.render(scene, camera);
  requestAnimationFrame(render);
}

async function animateFile() {
  const file = $('audio').files[0];
  if (!file) { fail('Choose an audio file first.'); return; }
  const form = new FormData();
  form.append('audio', file);
  const text = $('text').value.trim();
  if (text) form.append('text', text);
  form.append('format', 'json');
  form.append('fps', '60');
  status('Animating…');
  $('animate').disabled = true;
  try {
    const reply = await fetch('v1/animate', { method: 'POST', body: form, headers: authHeaders() });
    const body = await reply.json();
    if (!reply.ok) { fail(`The server said: ${body.error}`); return; }
    bindNames(body.names);
    state.animation = body;
    const player = $('player');
    player.src = URL.createObjectURL(file);
    state.frame = -1;
    state.playing = true;
    await player.play();
    status(`Playing ${body.frames.length} frames at ${body.fps} fps (${body.source} track).`);
  } catch (err) {
    fail(`Could not animate: ${err.message}`);
  } finally {
    $('animate').disabled = false;
  }
}

let live = null;  // { ws, ctx, stream }

async function startMic() {
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule('static/mic-worklet.js');
  const source = ctx.createMediaStreamSource(media);
  const node = new AudioWorkletNode(ctx, 'audioface-mic');
  const silent = ctx.createGain();
  silent.gain.value = 0;  // keeps the worklet pulled without playing the microphone back
  source.connect(node).connect(silent).connect(ctx.destination);
  const url = new URL(`v1/stream?sample_rate=${ctx.sampleRate}&encoding=f32le&fps=60`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = $('key').value.trim();
  if (key) url.searchParams.set('key', key);
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  node.port.onmessage = (e) => { if (ws.readyState === WebSocket.OPEN) ws.send(e.data); };
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.type === 'hello') {
      bindNames(msg.names);
      status(`Live: the face answers ${Math.round(msg.latency_s * 1000)} ms after the sound.`);
    } else if (msg.type === 'frames' && msg.weights.length) {
      const row = msg.weights[msg.weights.length - 1];
      applyWeights(row);
      state.liveFrames += msg.weights.length;
      const jaw = names.indexOf('jawOpen');
      for (const r of msg.weights) state.liveMaxJaw = Math.max(state.liveMaxJaw, r[jaw]);
    } else if (msg.type === 'error') {
      fail(`The server said: ${msg.error}`);
    }
  };
  ws.onclose = (e) => { if (state.live && e.code !== 1000) fail(`The stream closed: ${e.reason || e.code}`); stopMic(); };
  live = { ws, ctx, media };
  state.live = true;
  state.playing = false;
  $('player').pause();
  $('mic').textContent = 'Stop the microphone';
}

function stopMic() {
  if (!live) return;
  const { ws, ctx, media } = live;
  live = null;
  state.live = false;
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'end' }));
  media.getTracks().forEach((t) => t.stop());
  ctx.close();
  $('mic').textContent = 'Use the microphone';
}

$('animate').addEventListener('click', animateFile);
$('mic').addEventListener('click', () => {
  if (live) { stopMic(); return; }
  startMic().catch((err) => fail(`No microphone: ${err.message}`));
});
$('player').addEventListener('play', () => { if (state.animation && !state.live) state.playing = true; });
$('player').addEventListener('ended', () => { state.playing = false; });

new GLTFLoader().load('v1/face.glb', (gltf) => {
  head = gltf.scene;
  head.traverse((obj) => {
    if (!obj.isMesh) return;
    obj.material.flatShading = false;  // the file carries smooth normals
    obj.material.side = THREE.DoubleSide;  // some parts are built facing either way
    obj.material.vertexColors = Boolean(obj.geometry.attributes.color);
    // Parts that lie on the skin (the lips' red, eyes, lids, brows) are drawn over it in this
    // order, as the preview renderer layers them; parts inside the mouth show only where the
    // lips part, since the skin in front hides them by depth.
    const overlay = ['lip', 'eye', 'iris', 'lid', 'brow'].findIndex((p) => obj.material.name.startsWith(p));
    if (overlay >= 0) {
      obj.material.depthTest = false;
      obj.renderOrder = 1 + overlay;
    }
    obj.material.needsUpdate = true;
    if (obj.material.name === 'mouth') {  // the mouth cavity: where lips part
      mouthMesh = obj;
      obj.material.color.multiplyScalar(0.35);  // the inside of a mouth is in its own shadow
      obj.material.roughness = 1.0;
    }
  });
  scene.add(head);
  frameCamera();
  bindNames(gltf.parser.json.meshes[0].extras.targetNames);
  $('animate').disabled = false;
  $('mic').disabled = false;
  state.ready = true;
  status('Ready: animate a recording, or speak into the microphone.');
  render();
}, undefined, (err) => fail(`Could not load the face: ${err.message || err}`));
