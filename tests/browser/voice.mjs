// The voice path without WebRTC in Chromium: the candidate turns on the interviewer's
// voice, consents, hears the first question, answers by microphone (a WAV file stands in
// for it) and hears the next reply. Exits non-zero on any failure.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const link = process.env.INVITE_LINK;
const shots = process.env.SCREENSHOT_DIR || ".";


const browser = await launch({ microphone: process.env.AUDIO_FILE });
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(60000);
  const spoken = (n) => page.waitForFunction((n) => Number(document.body.dataset.spokenTurns || 0) >= n, n);
  await page.goto(link);
  await page.waitForURL(/\/interview\/\d+$/);
  await page.check("#listen");
  await page.click("#consent-yes");
  await spoken(1);
  console.log("the first question was spoken");

  await page.click("#record");
  await page.waitForTimeout(Number(process.env.RECORD_MS || 12000));
  await page.click("#stop");
  // Done when the answer is in the transcript, or the page shows an error.
  await page.waitForFunction(() => document.querySelector("#error").textContent
    || [...document.querySelectorAll(".turn.candidate")].some((e) => e.dataset.kind === "answer"));
  const error = await page.textContent("#error");
  check(!error, "no error on the page: " + error + " / " + (await page.textContent("#voice-status")));
  const heard = await page.$$eval(".turn.candidate", (els) => els.map((e) => e.textContent).join(" | "));
  check(heard.toLowerCase().includes("what your country can do for you"), "the answer was heard right: " + heard);
  const answer = await page.$eval('.turn.candidate[data-kind="answer"]', (e) => ({ text: e.textContent, audio: !!e.querySelector("audio") }));
  check(answer.audio, "the spoken answer has a player for its recording");
  check((await page.textContent("#voice-status")).startsWith("Heard:"), "the page says what it heard");
  console.log("spoken answer transcribed: " + answer.text);
  await spoken(2);
  console.log("the reply was spoken");
  await page.screenshot({ path: join(shots, "voice.png"), fullPage: true });
} finally {
  await browser.close();
}
