// A recruiter creates a role and invites a candidate; the candidate opens the link,
// consents, answers, submits a program and gets a follow-up naming an identifier from it;
// the recruiter then reads the transcript. Exits non-zero on any failure.
import { check, launch } from "./chromium.mjs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR || ".";
const program = [
  "def find_pairs(nums, target):",
  "    pairs = []",
  "    for i in range(len(nums)):",
  "        for j in range(i + 1, len(nums)):",
  "            if nums[i] + nums[j] == target:",
  "                pairs.append((i, j))",
  "    return pairs",
  "",
].join("\n");


const browser = await launch();
try {
  const recruiter = await (await browser.newContext()).newPage();
  recruiter.setDefaultTimeout(60000);
  await recruiter.goto(`${base}/login`);
  await recruiter.fill("#email", process.env.RECRUITER_EMAIL);
  await recruiter.fill("#password", process.env.RECRUITER_PASSWORD);
  await recruiter.click("#login");
  await recruiter.waitForURL(`${base}/recruiter`);

  await recruiter.fill("#job-title", "Backend Engineer");
  await recruiter.click("#create-job");
  await recruiter.waitForSelector('input[name=q][data-slug="two-sum"]');
  await recruiter.check('input[name=q][data-slug="conflict-with-teammate"]');
  await recruiter.check('input[name=q][data-slug="two-sum"]');
  await recruiter.click("#save-plan");
  await recruiter.waitForFunction(() => document.querySelector("#plan-saved").textContent.includes("2 questions"));
  await recruiter.click("#save-criteria");
  await recruiter.fill("#invite-name", "Ada Lovelace");
  await recruiter.fill("#invite-email", "ada@example.com");
  await recruiter.click("#invite");
  await recruiter.waitForSelector("#invite-result:not([hidden])");
  const link = (await recruiter.textContent("#invite-link")).trim();
  check(link.startsWith(`${base}/i/`), "invitation link " + link);
  console.log("recruiter created a role and an invitation");

  const candidate = await (await browser.newContext()).newPage();
  candidate.setDefaultTimeout(60000);
  await candidate.goto(link);
  await candidate.waitForURL(/\/interview\/\d+$/);
  await candidate.waitForSelector("#consent:not([hidden])");
  check((await candidate.textContent("#transcript")).includes("AI interviewer"), "the AI disclosure is shown");
  if (process.env.NOTICE) {
    await candidate.waitForSelector("#notice:not([hidden])");
    const notice = await candidate.textContent("#notice");
    check(notice.includes(process.env.NOTICE) && notice.includes("version 1"), "the organization's notice is shown with its version: " + notice);
    console.log("the organization's notice is shown beside the consent, version 1");
  }
  // The alternative (a person reviews, nothing scored) is offered beside consent.
  check(await candidate.isVisible("#consent-alternative"), "the alternative process is offered");
  await candidate.click("#consent-yes");
  await candidate.waitForFunction(() => document.querySelector("#transcript").textContent.includes("Question 1 of 2"));
  await candidate.fill("#answer", "A teammate and I disagreed about a migration; we wrote both plans down and measured them.");
  await candidate.click("#send");
  await candidate.waitForSelector('.turn[data-kind="follow_up"]');
  await candidate.fill("#answer", "Next time I would involve the team earlier.");
  await candidate.click("#send");
  await candidate.waitForFunction(() => document.querySelector("#transcript").textContent.includes("Question 2 of 2"));
  await candidate.selectOption("#language", "python");
  await candidate.fill("#code", program);
  await candidate.click("#submit-code");
  await candidate.waitForFunction(() => document.querySelectorAll('.turn[data-kind="follow_up"]').length === 2);
  const followUps = await candidate.$$eval('.turn[data-kind="follow_up"]', (els) => els.map((e) => e.textContent));
  check(followUps[1].includes("find_pairs"), "the code follow-up names find_pairs: " + followUps[1]);
  console.log("follow-up names find_pairs: " + followUps[1]);
  await candidate.screenshot({ path: join(shots, "candidate.png"), fullPage: true });

  await recruiter.reload();
  await recruiter.waitForSelector("button[data-read]");
  await recruiter.click("button[data-read]");
  await recruiter.waitForSelector("#transcript-view:not([hidden])");
  const transcript = await recruiter.textContent("#transcript");
  check(transcript.includes("def find_pairs") && transcript.includes("involve the team earlier"), "the recruiter reads the transcript");
  await recruiter.screenshot({ path: join(shots, "recruiter.png"), fullPage: true });
  console.log("recruiter read the transcript");
} finally {
  await browser.close();
}
