// An admin in the browser: runs the bias audit of an organization's scored interviews (a
// chart of impact ratios per dimension and the table behind it, with CSV and HTML to
// download), reviews a spoken interview (its timeline, playback that follows the words) and
// overrides one of its scores with a reason, records the decision on an interview in the
// alternative process (no scores, a person reviews) and audits the decisions in selection
// mode, throws the organization's AI stop switch with
// a reason and turns it off again, and carries out a candidate's request: finds them by
// address, downloads their data and erases it. Exits non-zero on any failure.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || ".";


const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  page.on("pageerror", e => console.log("page error: " + e.message));
  await page.goto(`${base}/login`);
  await page.fill("#email", process.env.ADMIN_EMAIL);
  await page.fill("#password", process.env.ADMIN_PASSWORD);
  await page.click("#login");
  await page.waitForURL(`${base}/admin`);

  // The bias audit: charts and the table behind them.
  await page.waitForSelector("#audit-org option", { state: "attached" });
  await page.selectOption("#audit-org", { label: process.env.ORG_NAME });
  await page.click("#audit-run");
  await page.waitForSelector('#audit-out .chart[data-dimension="sex"] svg');
  const rows = await page.locator("#audit-out table.audit-table").first().locator("tbody tr").count();
  check(rows === 2, "two categories of sex in the table, got " + rows);
  const chartTitle = await page.textContent('#audit-out .chart[data-dimension="sex"] svg title');
  check(chartTitle.includes("Impact ratios by sex"), "the chart says what it shows: " + chartTitle);
  const csvLink = await page.getAttribute("#audit-csv", "href");
  const csv = await (await page.request.get(base + csvLink)).text();
  check(csv.startsWith("dimension,category,applicants"), "the CSV downloads: " + csv.slice(0, 60));
  const flagged = await page.locator('#audit-out table.audit-table').first().locator('tr:has-text("below four-fifths")').count();
  console.log("flagged below four-fifths: " + flagged);
  await page.locator("#audit-out").screenshot({ path: join(shots, "bias-audit.png") });
  console.log(`bias audit shown: ${rows} categories of sex, chart "${chartTitle}"`);

  // Review of a spoken interview: the timeline, and playback that follows the words.
  await page.goto(`${base}/profile/${process.env.SPOKEN_ID}`);
  await page.waitForSelector("#timeline li");
  const timeline = await page.textContent("#timeline");
  check(timeline.includes("Consent given") && timeline.includes("Interview ended: completed"), "the timeline runs from consent to the end: " + timeline);
  check(timeline.includes("(spoken)"), "the spoken answer is on the timeline");
  const words = page.locator(".turn.candidate span.w");
  check(await words.count() > 5, "the spoken answer's words are timed");
  const word = words.nth(4);
  const start = Number(await word.getAttribute("data-start"));
  await word.click();
  await page.waitForSelector(".turn.candidate span.w.now", { timeout: 30000 });
  const at = await page.evaluate(() => document.querySelector(".turn.candidate audio").currentTime);
  check(at >= start - 0.05, `playback starts at the clicked word (${start} s), at ${at} s`);
  console.log(`review: the timeline has ${(await page.locator("#timeline li").count())} moments; playback marks the word being said from ${start.toFixed(2)} s`);
  await page.locator("#turns").screenshot({ path: join(shots, "review-playback.png") });

  // The interviewer's side, in its voice.
  await page.locator(".turn.interviewer button.voice").first().click();
  await page.waitForFunction(() => {
    const a = document.querySelector(".turn.interviewer audio");
    return a && a.readyState >= 1 && a.duration > 0.5;
  }, null, { timeout: 60000 });
  const heard = await page.evaluate(() => document.querySelector(".turn.interviewer audio").duration);
  console.log(`the interviewer's voice plays: ${heard.toFixed(1)} s`);

  // A person overrides a score with a reason; the scorer's value stays beside theirs.
  const form = page.locator("form.override").first();
  await form.locator('input[name="value"]').fill("35");
  await form.locator('input[name="reason"]').fill("checked against the recording");
  await form.locator('button[type="submit"]').click();
  await page.waitForSelector('.card.score .pill:has-text("overridden by a person: 35")');
  const pill = await page.textContent('.card.score .pill:has-text("overridden by a person")');
  check(pill.includes("checked against the recording") && pill.includes("the scorer said"), "the override shows its reason and the scorer's value: " + pill);
  console.log("score overridden in the page: " + pill.trim());

  // The alternative process: no scores, a banner that says why, and a person's decision.
  await page.goto(`${base}/profile/${process.env.ALTERNATIVE_ID}`);
  await page.waitForSelector("#alternative");
  check((await page.textContent("#timeline")).includes("chose the alternative process"), "the choice is on the timeline");
  check(await page.locator(".card.score").count() === 0, "no score in the alternative process");
  await page.selectOption('#decision-form select[name="outcome"]', "advanced");
  await page.fill('#decision-form input[name="reason"]', "read every answer; clear and correct");
  await page.click("#decision-form button");
  await page.waitForSelector('#decisions li.standing[data-outcome="advanced"]');
  console.log("decision recorded in the page: " + (await page.textContent("#decisions li.standing")).trim());
  await page.screenshot({ path: join(shots, "alternative-decision.png") });

  await page.goto(`${base}/admin`);
  await page.waitForSelector(`button[data-ai="${process.env.ORG_ID}"]`);
  // The same audit over the decisions people recorded.
  await page.selectOption("#audit-org", { label: process.env.ORG_NAME });
  await page.selectOption("#audit-mode", "selection");
  await page.click("#audit-run");
  await page.waitForSelector('#audit-out .chart[data-dimension="sex"] svg');
  const header = await page.textContent("#audit-out table.audit-table thead");
  check(header.includes("Advanced"), "the selection table counts advancements: " + header);
  const decided = await page.textContent("#audit-out p");
  console.log("selection audit shown: " + decided.trim());

  // The stop switch: a reason is asked for, the state shows, and it turns off again.
  page.once("dialog", d => d.accept("rubric under review"));
  await page.click(`button[data-ai="${process.env.ORG_ID}"]`);
  await page.waitForSelector(`.ai-state[data-org="${process.env.ORG_ID}"]:has-text("stopped")`);
  check((await page.textContent(`.ai-state[data-org="${process.env.ORG_ID}"]`)).includes("rubric under review"), "the reason shows");
  console.log("AI stopped with its reason");
  await page.click(`button[data-ai="${process.env.ORG_ID}"]`);
  await page.waitForSelector(`.ai-state[data-org="${process.env.ORG_ID}"]:has-text("running")`);
  console.log("AI resumed");

  // A candidate's request: unknown addresses say so; a known one is exported and erased.
  await page.fill("#cand-email", "nobody@example.com");
  await page.click('#cand-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelector("#cand-error").textContent.includes("No candidate"));
  await page.fill("#cand-email", process.env.CANDIDATE_EMAIL);
  await page.click('#cand-form button[type="submit"]');
  await page.waitForSelector("#cand-export");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#cand-export")]);
  const saved = await download.path();
  const { statSync } = await import("node:fs");
  check(statSync(saved).size > 1000, "the export downloads as a zip");
  console.log("candidate export downloaded: " + download.suggestedFilename());
  page.once("dialog", d => d.accept());
  await page.click("#cand-erase");
  await page.waitForSelector("#cand-erased");
  console.log("candidate erased: " + (await page.textContent("#cand-erased")).trim());
} finally {
  await browser.close();
}
