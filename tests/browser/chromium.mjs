// What every browser script shares: headless Chromium launched the same way (a fake
// microphone fed by a WAV where a script needs one), and a check that fails the script
// with what was expected.
import { chromium } from "playwright-core";

export function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
}

// `microphone`: the WAV the fake microphone plays once, or nothing.
export function launch({ microphone, loopbackWebRtc = false } = {}) {
  const args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];
  if (microphone) {
    args.push("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${microphone}%noloop`,
      "--autoplay-policy=no-user-gesture-required");
  }
  if (loopbackWebRtc) args.push("--allow-loopback-in-peer-connection");
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args });
}
