// A recruiter edits a question bank in the browser: an invalid edit shows its problem on
// its line, a fixed one saves as the organization's own bank. Exits non-zero on any failure.
import { chromium } from "playwright-core";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || ".";

function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  page.setDefaultTimeout(20000);
  page.on("pageerror", e => console.log("page error: " + e.message));
  await page.goto(`${base}/login`);
  await page.fill("#email", process.env.RECRUITER_EMAIL);
  await page.fill("#password", process.env.RECRUITER_PASSWORD);
  await page.click("#login");
  await page.waitForURL(`${base}/recruiter`);

  // Open the shipped behavioral bank: read-only here, so it is saved under a new id.
  await page.waitForSelector("#bank-pick option", { state: "attached" });
  await page.selectOption("#bank-pick", { label: "Behavioral core (behavioral-core) · shipped" });
  await page.click("#bank-open");
  await page.waitForFunction(() => document.querySelector("#bank-toml").value.includes("[bank]"));
  const original = await page.inputValue("#bank-toml");
  const renamed = original.replace('id = "behavioral-core"', 'id = "acme-behavioral"')
    .replace('title = "Behavioral core"', 'title = "Acme behavioral"');
  check(renamed !== original, "the bank id is in the text");

  // An invalid edit: the kind misspelt on one question.
  const lines = renamed.split("\n");
  const bad = lines.findIndex(l => l.startsWith('kind = "behavioral"'));
  check(bad > 0, "a question kind line");
  lines[bad] = 'kind = "behavioural"';
  await page.fill("#bank-toml", lines.join("\n"));
  await page.click("#bank-check");
  await page.waitForSelector("#bank-gutter .bad");
  const marked = Number(await page.textContent("#bank-gutter .bad"));
  check(marked === bad + 1, `the problem is marked on line ${bad + 1}, got ${marked}`);
  const note = await page.textContent(`#bank-notes .note[data-line="${bad + 1}"]`);
  check(note.includes("behavioural"), "the note beside the line names the bad value: " + note);
  const listed = await page.textContent("#bank-problems");
  check(listed.includes(`Line ${bad + 1}`), "the problem list names the line: " + listed);
  await page.locator(".bank-editor").scrollIntoViewIfNeeded();
  await page.locator("#bank-editor").screenshot({ path: join(shots, "bank-editor-error.png") });
  console.log(`invalid edit shown on line ${bad + 1}: ${note.trim()}`);

  // Fixed, it saves as the organization's own bank.
  lines[bad] = 'kind = "behavioral"';
  await page.fill("#bank-toml", lines.join("\n"));
  await page.click("#bank-save");
  await page.waitForFunction(() => document.querySelector("#bank-status").textContent.startsWith("Saved acme-behavioral"));
  check(await page.locator("#bank-gutter .bad").count() === 0, "no problem left");
  await page.waitForSelector('#bank-pick option:text("Acme behavioral (acme-behavioral)")', { state: "attached" });
  console.log("bank saved as acme-behavioral");
} finally {
  await browser.close();
}
