// A recruiter edits a question bank in the browser (an invalid edit shows its problem on
// its line, a fixed one saves as the organization's own bank), then makes a role from it
// and sends an invitation by e-mail, uploads the candidate's résumé to see the question it
// grounds, and follows a score of a finished interview to the words behind it. Exits
// non-zero on any failure.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || ".";


const browser = await launch();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  page.setDefaultTimeout(60000);
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

  // A role from the organization's own bank, and an invitation sent by e-mail.
  await page.fill("#job-title", "Platform Engineer");
  await page.click("#create-job");
  await page.waitForSelector('input[name=q][data-slug="conflict-with-teammate"]');
  await page.check('input[name=q][data-slug="conflict-with-teammate"]');
  await page.click("#save-plan");
  await page.waitForFunction(() => document.querySelector("#plan-saved").textContent.includes("questions"));
  await page.fill("#invite-name", "Ada Lovelace");
  await page.fill("#invite-email", "ada@example.com");
  check(await page.isChecked("#invite-send"), "e-mail is the default");
  await page.click("#invite");
  await page.waitForSelector("#invite-result:not([hidden])");
  const said = await page.textContent("#invite-said");
  check(said.startsWith("E-mailed"), "the page says the invitation was e-mailed: " + said);
  await page.waitForSelector('#candidates tr:has-text("Ada Lovelace") .status:text("invited")');
  console.log("invitation e-mailed: " + (await page.textContent("#invite-link")).trim());

  // The candidate's résumé, uploaded for that invitation: the page shows what it grounds.
  const cv = ["Ada Lovelace", "Experience", "Senior Backend Engineer at Acme Corp (2019–2023)",
    "- Built event pipelines on Kafka and PostgreSQL.", "Globex — Software Engineer, 2016 - 2019", "- Python services."].join("\n");
  await page.locator('#candidates tr:has-text("Ada Lovelace") input.resume-file')
    .setInputFiles({ name: "ada-cv.txt", mimeType: "text/plain", buffer: Buffer.from(cv) });
  await page.waitForSelector("#resume-result:not([hidden]) li.grounded");
  const grounded = await page.textContent("#resume-questions li.grounded");
  check(grounded.startsWith("You mention Kafka at Acme Corp."), "a grounded question: " + grounded);
  await page.locator("#job-detail").screenshot({ path: join(shots, "recruiter-resume.png") });
  console.log("grounded question: " + grounded);

  // A scored interview's profile: a score's quoted words lead to the answer they are from.
  await page.goto(`${base}/profile/${process.env.PROFILE_ID}`);
  const evidence = page.locator('.card.score[data-dimension="content"] a.evidence.quote').first();
  await evidence.waitFor();
  const quote = (await evidence.textContent()).replace(/[“”]/g, "");
  await evidence.click();
  const turn = page.locator(".turn.highlight");
  await turn.waitFor();
  check((await turn.textContent()).includes(quote), "the highlighted answer holds the quote " + quote);
  check((await turn.getAttribute("class")).includes("candidate"), "the quote is the candidate's own turn");
  await page.screenshot({ path: join(shots, "recruiter-profile.png"), fullPage: true });
  console.log("recruiter followed a score to the words behind it");
} finally {
  await browser.close();
}
