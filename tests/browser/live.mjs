// The live interview in Chromium over WebRTC: device check, consent, join; the avatar's
// video shows real pictures whose mouth moves while it speaks, its audio arrives (WebRTC
// stats), the candidate answers through a fake microphone fed by a WAV, and a follow-up
// question is asked. Exits non-zero on any failure; the caller checks the transcript.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const link = process.env.INVITE_LINK;
const shots = process.env.SCREENSHOT_DIR || ".";
const [mx0, my0, mx1, my1] = (process.env.MOUTH_REGION || "0,0,0,0").split(",").map(Number);


const browser = await launch({ microphone: process.env.AUDIO_FILE, loopbackWebRtc: true });
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(90000);
  page.on("console", (m) => { if (m.type() === "error") console.log("page error: " + m.text()); });
  await page.goto(link);
  await page.waitForURL(/\/interview\/\d+$/);
  const room = page.url() + "/live";
  console.log("room " + room);
  await page.goto(room);
  // The fake microphone plays from here: 22 s of quiet, the 7 s answer, then quiet.
  const micOpened = Date.now();
  await page.click("#mic-start");
  await page.waitForSelector("#disclosure:not([hidden])");
  await page.click("#consent-yes");
  await page.click("#join-button");
  await page.waitForFunction(() => document.body.dataset.liveState === "speaking");
  console.log("the interviewer is speaking");

  // The avatar's video: frames drawn to a canvas; the mouth region compared across frames.
  const frames = await page.evaluate(async ([x0, y0, x1, y1]) => {
    const v = document.querySelector("#avatar");
    while (v.videoWidth === 0) await new Promise((r) => setTimeout(r, 50));
    const c = document.createElement("canvas");
    c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext("2d", { willReadFrequently: true });
    const out = [];
    for (let i = 0; i < 30; i++) {
      g.drawImage(v, 0, 0);
      const all = g.getImageData(0, 0, c.width, c.height).data;
      let luma = 0;
      for (let p = 0; p < all.length; p += 4) luma += all[p + 1];
      const mouth = Array.from(g.getImageData(x0, y0, x1 - x0, y1 - y0).data);
      out.push({ luma: luma / (all.length / 4), mouth, w: c.width, h: c.height });
      await new Promise((r) => setTimeout(r, 100));
    }
    return out;
  }, [mx0, my0, mx1, my1]);
  check(frames[0].w > 0 && frames[0].h > 0, "the video has a size");
  const luma = frames.reduce((a, f) => a + f.luma, 0) / frames.length;
  check(luma > 30, "the video is not black: mean luma " + luma.toFixed(1));
  let most = 0;
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i].mouth, b = frames[0].mouth;
    let sum = 0, n = 0;
    for (let p = 0; p < a.length; p += 4) { sum += Math.max(Math.abs(a[p] - b[p]), Math.abs(a[p + 1] - b[p + 1]), Math.abs(a[p + 2] - b[p + 2])); n++; }
    most = Math.max(most, sum / n / 255);
  }
  check(most > 0.04, "the mouth moves while the avatar speaks: largest change " + most.toFixed(3));
  console.log(`video ${frames[0].w}x${frames[0].h}, mean luma ${luma.toFixed(1)}, mouth change up to ${most.toFixed(3)}`);

  // The avatar's audio: inbound RTP bytes grow.
  const audioBytes = () => page.evaluate(async () => {
    const stats = await window.livePc.getStats();
    let bytes = 0;
    stats.forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived; });
    return bytes;
  });
  const b0 = await audioBytes();
  await page.waitForTimeout(1500);
  const b1 = await audioBytes();
  check(b1 > b0 && b0 > 0, `inbound audio bytes grow: ${b0} → ${b1}`);
  console.log(`inbound audio bytes ${b0} → ${b1}`);
  await page.screenshot({ path: join(shots, "live-room.png"), fullPage: true });

  // The fake microphone's answer lands in the transcript, and a follow-up is asked.
  await page.waitForFunction(() => document.querySelector(".turn.candidate[data-kind='answer']"), null, { timeout: 120000 });
  const answer = await page.textContent(".turn.candidate[data-kind='answer']");
  console.log("answer heard: " + answer);
  await page.waitForFunction(() => {
    const turns = [...document.querySelectorAll("#transcript .turn")];
    const i = turns.findIndex((t) => t.classList.contains("candidate") && t.dataset.kind === "answer");
    return i >= 0 && turns.slice(i + 1).some((t) => t.classList.contains("interviewer"));
  }, null, { timeout: 120000 });
  const followUp = await page.$$eval("#transcript .turn.interviewer", (els) => els[els.length - 1].textContent);
  console.log("follow-up: " + followUp);
  const error = await page.textContent("#error");
  check(!error, "no error on the page: " + error);
  await page.screenshot({ path: join(shots, "live-followup.png"), fullPage: true });
  // The page stays until the answer has played out and the silence after it ended the turn:
  // on a loaded machine a pause may split the answer into two turns, and the caller checks
  // that every word of it was heard, not in how many turns.
  await page.waitForTimeout(Math.max(0, micOpened + 36000 - Date.now()));
  console.log("the live interview works in Chromium");
} finally {
  await browser.close();
}
