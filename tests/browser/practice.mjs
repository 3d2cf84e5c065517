// A candidate signs up for practice, takes the same practice interview twice by text, and
// sees a growth curve with a point per attempt; then opens the second profile and follows a
// score to the words behind it. Exits non-zero on any failure.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || ".";


const ANSWERS = [
  [
    "I would expose a POST endpoint that creates a short code and a GET endpoint that redirects with a 302, so clicks can still be counted.",
    "Codes come from a counter encoded in base62, with ID ranges handed to each server so two servers never issue the same code, and a cache in front of the reads.",
  ],
  [
    "First I would clarify requirements like custom aliases, expiry and the latency target, then estimate about forty writes and four thousand reads per second.",
    "The API has a POST to create a link and a GET that redirects; codes are base62 of pre-allocated ID ranges, stored in a key-value store with a uniqueness constraint, with a CDN cache for reads and rate limits against abuse.",
  ],
];

async function practiceOnce(page, answers) {
  await page.goto(`${base}/practice`);
  await page.fill("#count", "1");
  await page.locator("tr", { hasText: "Backend engineering: technical" }).locator("button[data-bank]").click();
  await page.waitForURL(/\/interview\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await page.waitForSelector("#consent:not([hidden])");
  check(!(await page.isVisible("#consent-alternative")), "practice offers no alternative process");
  await page.click("#consent-yes");
  await page.waitForFunction(() => document.querySelector("#transcript").textContent.includes("Question 1 of 1"));
  await page.fill("#answer", answers[0]);
  await page.click("#send");
  await page.waitForSelector('.turn[data-kind="follow_up"]');
  await page.fill("#answer", answers[1]);
  await page.click("#send");
  await page.waitForSelector('.turn[data-kind="candidate_questions"]');
  await page.fill("#answer", "No, thank you.");
  await page.click("#send");
  await page.waitForSelector('.turn[data-kind="closing"]');
  return id;
}

// Scoring runs in the background after the interview ends: reload until the attempt shows.
async function waitForAttempts(page, n) {
  for (let i = 0; i < 60; i++) {
    await page.goto(`${base}/practice`);
    await page.waitForSelector("#mine tr");
    const points = await page.$$eval("#chart-scores circle.series-0.point", els => els.length);
    if (points >= n) return points;
    await page.waitForTimeout(500);
  }
  throw new Error(`the growth curve never showed ${n} attempts`);
}

const browser = await launch();
try {
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  page.setDefaultTimeout(60000);
  page.on("pageerror", e => console.log("page error: " + e.message));
  await page.goto(`${base}/signup`);
  await page.fill("#name", "Pat Practice");
  await page.fill("#email", "pat@example.com");
  await page.fill("#password", "practice-makes-perfect");
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}/practice`);
  check(await page.isVisible("#progress-empty"), "no progress before the first attempt");

  await practiceOnce(page, ANSWERS[0]);
  check((await waitForAttempts(page, 1)) === 1, "one point after one attempt");
  console.log("growth curve: 1 point");
  const second = await practiceOnce(page, ANSWERS[1]);
  const points = await waitForAttempts(page, 2);
  check(points === 2, `two points after two attempts, got ${points}`);
  const desc = await page.textContent("#chart-scores svg desc");
  check(desc.length > 0, "the chart describes itself in words");
  await page.locator("#progress").screenshot({ path: join(shots, "growth-curve.png") });
  console.log("growth curve: 2 points");

  // The profile of the second attempt: a score's quoted words lead to the answer they are from.
  await page.click(`a[href="/profile/${second}"]`);
  await page.waitForSelector(".card.score");
  await page.waitForSelector("#chart-competencies svg .bar");
  const link = page.locator('.card.score[data-dimension="content"] a.evidence.quote').first();
  const quote = (await link.textContent()).replace(/[“”]/g, "");
  await link.click();
  const turn = page.locator(".turn.highlight");
  await turn.waitFor();
  const said = await turn.textContent();
  check(said.includes(quote), `the highlighted answer holds the quote ${JSON.stringify(quote)}`);
  check((await turn.getAttribute("class")).includes("candidate"), "the quote is the candidate's own turn");
  await page.screenshot({ path: join(shots, "practice-profile.png"), fullPage: true });
  console.log("followed a score to the words behind it");
} finally {
  await browser.close();
}
