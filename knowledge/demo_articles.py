"""The demo's knowledge articles: real advice on using a SaaS product well.

Each entry: (slug or None, title, category, tags, key feature keys, maturity levels, Markdown body).
"""
from __future__ import annotations

ARTICLES = [
    ("getting-started", "Getting started: your first week", "Getting started", ["onboarding", "setup"], ["dashboards"], [1], """
The first week decides whether a new tool becomes part of how your team works or another login nobody remembers. This guide lists what to do, in order, so the first people who sign in find something useful waiting for them.

## Day one: decide what success looks like

Before you invite anyone, write down the two or three questions the product should answer for you. "How many qualified leads did we get last week?" is a good question; "better visibility" is not. Those questions decide which dashboard you build first and which data you connect.

## Days two and three: connect one data source

Connect the one system that answers your first question, even if you plan to connect five. One source that works is worth more than five half-configured ones. Check that yesterday's figures match what you see in the source system before you go further.

## Days four and five: build one dashboard and invite three people

Build a single dashboard around your first question and invite the three people who ask that question most often. Ask them to use it for their next weekly meeting instead of the spreadsheet they use today.

## What good looks like at the end of the week

- One data source connected and checked against the source.
- One dashboard that answers a real question.
- Three colleagues who signed in at least twice.

If you have that, you are ahead of most teams. The rest of the knowledge base builds on this foundation.
"""),
    ("weekly-habits", "Build a weekly habit around your dashboard", "Best practices", ["adoption", "meetings", "habits"], ["dashboards"], [1, 2], """
Tools are adopted through habits, not through training sessions. The most reliable habit is a weekly meeting that starts with the dashboard on the screen.

## Pick the meeting you already have

Do not create a new meeting. Take the weekly team meeting that already exists and replace its first five minutes with a look at the dashboard. When the numbers are discussed where decisions are made, people start checking them before the meeting too.

## Let one person own the numbers

Ask one person to open the dashboard and read out what changed since last week. Rotate the role monthly. People who have presented the numbers once keep looking at them afterwards.

## Keep a short list of actions

End the five minutes with at most two actions tied to a figure ("call the three accounts whose usage dropped"). Next week, start by checking whether the figure moved.

## Signs that the habit is working

Weekly active users rise to most of your licensed seats, and questions in chat start with a link to a dashboard instead of a screenshot of a spreadsheet. Your portal's usage chart shows this within three to four weeks.
"""),
    (None, "Invite your team and choose the right roles", "Getting started", ["team", "roles", "onboarding"], ["team_invites"], [2], """
A workspace used by one person is a personal tool; a workspace used by the team is a shared source of truth. Inviting colleagues is quick, but choosing their roles deserves a minute of thought.

## Roles in short

- **Viewers** read dashboards and reports. Most people should start here.
- **Editors** build and change dashboards, reports and automations.
- **Admins** manage users, billing, integrations and security settings. Keep this group small: two people is usually right, so one can cover for the other.

## Invite in waves

Invite the people who asked for the tool first, then their direct colleagues a week later. Each wave benefits from the questions the previous one asked. Send a short note with the invitation explaining which dashboard to open first and why.

## Remove access when people leave

Make removing portal access part of your leaver checklist. Unused accounts hold licences you pay for, and accounts of people who left are a security risk. The seat utilisation figure on your dashboard counts only active users, so cleaning up also makes that figure honest.
"""),
    (None, "Set up single sign-on (SAML or OpenID Connect)", "Administration", ["sso", "security", "saml", "login"], [], [3], """
Single sign-on lets your colleagues use their company account to sign in, and lets you remove access for everyone in one place when someone leaves.

## Before you start

You need admin rights in the product and in your identity provider (Okta, Microsoft Entra ID, Google Workspace or another SAML 2.0 or OpenID Connect provider). Plan a short window: while you switch, people who are signed in stay signed in.

## Steps

1. In the product, open **Settings → Security → Single sign-on** and copy the service provider details (entity id and callback URL).
2. In your identity provider, create a new application with those details and assign it to a test group.
3. Paste the provider's metadata URL back into the product and save.
4. Sign in with a test user from a private browser window.
5. When the test works, assign the application to everyone and switch **Require single sign-on** on.

## Common problems

- *"User not found"*: the e-mail address sent by the identity provider differs from the one in the product. Map the `email` attribute explicitly.
- *Clock skew errors*: the identity provider's clock is more than a few minutes off. Ask your IT team to check time synchronisation.

Keep one admin account that can sign in with a password, stored safely, in case the identity provider is unavailable.
"""),
    ("your-first-report", "Create your first report", "Reporting", ["reports", "getting started"], ["dashboards"], [1], """
A report is a question you ask the data repeatedly. Building one takes a few minutes; building one people read takes a little more thought.

## Start from a question

Write the question at the top of the report in plain words, for example "Which regions grew their pipeline this month?". The question becomes the report's title, and anyone who opens it knows immediately why it exists.

## Choose one measure and one breakdown

A report with one measure (pipeline value) and one breakdown (by region) is read. A report with eight measures is scrolled past. If you need more measures, make more reports.

## Compare with something

A number alone says little. Compare with last month, the same month last year or the target. The comparison is what turns a figure into information.

## Share it where people already are

Send the link in the channel where the question was asked, or schedule it (see *Schedule a weekly report*). A report that has to be looked for is rarely looked at.
"""),
    (None, "Schedule a weekly report by e-mail", "Reporting", ["reports", "email", "scheduling"], ["scheduled_reports"], [3], """
Scheduled reports bring the numbers to people instead of waiting for people to come to the numbers. Teams that schedule their key report check it far more often than teams that rely on bookmarks.

## Set it up

1. Open the report and choose **Schedule**.
2. Pick the day and time. Monday at 8:00 in the recipients' time zone works well for a weekly review.
3. Add recipients by e-mail or pick a team. People outside your workspace receive a PDF; people inside get a link as well.
4. Choose the period: "last complete week" avoids half-filled numbers on Monday morning.

## Keep the list of recipients current

Review recipients every quarter. A report sent to people who no longer need it trains them to ignore e-mail from the product altogether.

## When a schedule fails

If a data source is disconnected, the report is sent with a note saying which figures are missing rather than silently showing zeros. Fix the connection and use **Send now** to resend.
"""),
    (None, "Export data to CSV and Excel", "Reporting", ["export", "csv", "excel"], [], [1], """
Sometimes a spreadsheet is the right tool: a one-off analysis, a board pack, an auditor's request. Every table and report can be exported.

## How to export

Open the table or report, choose **Export**, and pick CSV or Excel. The export contains exactly the rows and columns you see, with the filters applied. Large exports (over 100,000 rows) are prepared in the background and sent to you by e-mail when ready.

## CSV details that avoid surprises

- Files are UTF-8 encoded with a header row. If Excel shows odd characters, use **Data → From Text/CSV** and choose UTF-8.
- Dates are written as ISO dates (2026-01-31) and times in UTC, so they sort correctly in any tool.
- Decimal numbers use a dot. Change your spreadsheet's import locale if your region uses a comma.

## Prefer links for recurring needs

If you export the same data every week, schedule the report instead, or connect your BI tool through the API. Exports copy data out of the system, and copies drift out of date.
"""),
    (None, "Read the usage dashboard: active users, seats and trends", "Reporting", ["usage", "dashboard", "metrics"], ["dashboards"], [1, 2], """
The usage dashboard shows how much of what you pay for is actually used. Here is how to read each figure.

## Active users

A user counts as active on a day when they did anything in the product that day, signing in included. The chart shows daily active users; the weekly figure counts each person once per week.

## Seat utilisation

Seat utilisation is weekly active users divided by licensed seats. Under 30% means most licences are idle: either invite the people who should use the product or talk to your account team about the right number of seats. Above 80% means the product is part of daily work.

## The trend matters more than the level

A steady 55% is healthier than a drop from 80% to 60% in a month. The dashboard compares the last four weeks with the four before, and your customer success manager gets a warning when active users fall by 30% or more, so they can call before a small problem becomes a big one.

## All figures are UTC calendar days

Days start at midnight UTC. If your team works in a far-off time zone, a late-evening session may count on the next day.
"""),
    (None, "Connect your CRM: Salesforce and HubSpot", "Integrations", ["integrations", "crm", "salesforce", "hubspot"], ["integrations"], [3], """
Connecting your CRM brings accounts, contacts and deals into the product so reports reflect what sales actually sees.

## Before you connect

Use an integration user in your CRM rather than a person's account. When that person leaves, a personal connection stops working overnight. Give the integration user read access to the objects you want to sync.

## Connect

1. Open **Integrations → CRM** and pick Salesforce or HubSpot.
2. Sign in with the integration user and approve the requested permissions.
3. Choose the objects to sync. Start with accounts and deals; add contacts when you need them.
4. Run the first sync. Large CRMs take a few hours the first time; later syncs only move changes.

## Check the result

Pick three deals you know well and compare them with the CRM. If amounts differ, check the currency settings: the product converts to your workspace currency using the daily rate.

## Keep it healthy

The integration page shows the last successful sync and any records that failed with the reason. Review it weekly for the first month.
"""),
    (None, "Integrations overview: which connector for which job", "Integrations", ["integrations", "connectors"], ["integrations"], [3], """
The product connects to the tools you already use in three ways. Choosing the right one saves effort later.

## Native connectors

For common systems (CRM, support desk, billing, data warehouse) a native connector is the simplest choice: you sign in, choose what to sync and the product keeps it up to date. Native connectors handle retries, rate limits and schema changes for you.

## Webhooks

When another system should react the moment something happens in the product, for example posting to a chat channel when a deal closes, use webhooks. You give a URL; the product sends a signed JSON message to it for each event.

## The API

For anything else, or when your own systems need to read and write data, use the REST API. It is the most flexible option and needs a developer.

## A rule of thumb

Start with a native connector if one exists. Add webhooks for real-time reactions. Use the API for what neither covers. Mixing all three is normal in mature setups.
"""),
    ("api-quickstart", "API quickstart: your first request in five minutes", "Integrations", ["api", "developers", "tokens"], ["api_access"], [5], """
The REST API lets your own systems read and write data in the product. This quickstart gets you from nothing to a successful request.

## Create a token

Open **Settings → API tokens** and create a token with a name that says what it is for ("nightly export to warehouse"). The token is shown once: store it in your secret manager, never in code or chat.

## Make a request

```
curl -H "Authorization: Bearer $TOKEN" https://your-workspace.example/api/v1/accounts
```

A `200` answer with JSON means you are in. A `401` means the token is missing or revoked.

## Respect the limits

The API allows a generous number of requests per minute. When you exceed it, you receive `429` with a `Retry-After` header: wait that many seconds and retry. Batch endpoints accept up to 10,000 items per request, which is far faster than one request per item.

## Make writes idempotent

Send your own id with each item you create. If a request times out and you send it again, the duplicate is recognised and counted, not stored twice.
"""),
    (None, "Keep API tokens safe and rotate them", "Administration", ["api", "security", "tokens"], ["api_access"], [4, 5], """
An API token carries the rights of the user who created it. Treat it like a password that never expires on its own.

## One token per purpose

Create a separate token for each integration. When one system is retired or compromised, you revoke its token without breaking the others. The token list shows when each one was last used, which makes forgotten tokens easy to spot.

## Least privilege

Create tokens from a user with only the rights the integration needs. A reporting export needs read access, not admin rights.

## Rotate on a schedule

Rotate tokens at least once a year and whenever someone with access to them leaves. To rotate without downtime: create the new token, deploy it, confirm in the token list that the old one is no longer used, then revoke the old one.

## If a token leaks

Revoke it immediately from **Settings → API tokens**; revocation takes effect on the next request. Then check the audit log for requests made with it.
"""),
    (None, "Automate routine work with rules", "Automation", ["automation", "workflows", "rules"], ["automations"], [4], """
Automations run the steps your team repeats every week: assigning new records, notifying owners, updating a status when a condition is met.

## Anatomy of a rule

Every automation has a **trigger** (a record is created, a field changes, a date arrives), optional **conditions** (only for accounts in Europe) and one or more **actions** (assign, notify, update, call a webhook).

## Start with the most annoying task

Ask the team which manual step they would most like to stop doing. Automate that one first; the time saved is visible immediately and builds trust in automations.

## Test before switching on

Every rule has a **Test** button that runs it against recent records without changing anything and shows what it would have done. Use it every time.

## Name rules for the next person

Name rules by what they do and why: "Assign new EMEA leads to the EMEA queue (sales ops request, March)". Someone will wonder why a record changed; a good name answers them.
"""),
    ("building-routines", "Build routines: from ad-hoc tasks to repeatable processes", "Best practices", ["process", "routines", "maturity"], ["automations", "scheduled_reports"], [2, 3], """
Teams move from reacting to requests to running routines. A routine is a task done the same way, at the same time, by a known person, and it is the step that makes automation possible.

## Find your recurring tasks

List the tasks someone did more than twice last month: the Monday report, the monthly clean-up, the quarterly review deck. Those are your routines waiting to be written down.

## Write each routine in five lines

Who does it, when, with which report or view, what they look for, and what they do when they find it. Five lines is enough; a long document is not read.

## Then automate the mechanical part

Once a routine is written, the mechanical parts become obvious: sending the report (schedule it), moving records (an automation rule), reminding people (a notification). People keep the judgement; the product does the rest.

## Review quarterly

Routines drift. Once a quarter, ask whether each one still answers a question someone has. Retire the ones that do not.
"""),
    ("knowledge-base-tour", "Find answers fast: a tour of the knowledge base", "Getting started", ["help", "search", "knowledge base"], [], [1], """
The knowledge base holds answers written by the team that builds and supports the product. Here is how to get the most from it.

## Search in your own words

Type what you want to do, for example "send report every monday". Search matches different forms of a word (schedule, scheduled, scheduling), looks for words as you type them, and tolerates small typos. The words you searched are highlighted in each result.

## Browse by category

The index groups articles by category, from getting started to administration. The most helpful and the newest articles are listed beside them.

## Tell us what is missing

At the end of every article, answer "Was this helpful?". If it was not, a sentence about what was missing goes straight to the people who write the articles. Searches that find nothing are collected too: they decide what gets written next.
"""),
    (None, "Plan your rollout: a 30-60-90 day plan", "Getting started", ["onboarding", "rollout", "planning"], ["dashboards", "team_invites"], [1, 2], """
A rollout plan keeps momentum after the first enthusiastic week. Here is a plan that works for most teams of 20 to 500 people.

## First 30 days: prove value with one team

One team, one question, one dashboard, used every week. Measure weekly active users in that team; aim for 70% of them.

## Days 31 to 60: expand to neighbouring teams

Invite the teams that depend on the first one. Reuse and adapt its dashboard rather than starting from scratch. Schedule the key report so it arrives every week.

## Days 61 to 90: connect and automate

Connect the second and third data sources and automate the first routine. Review the success plan with your customer success manager: are the metrics you chose on day one moving toward their targets?

## Write down the result

At day 90, write half a page: what changed, which figures moved, what is next. It makes the renewal conversation and the next budget request much easier.
"""),
    (None, "Set goals that can be measured: your success plan", "Best practices", ["success plan", "goals", "metrics"], [], [2, 3], """
A success plan turns "we want to get more out of the product" into figures you can check. It is the basis of every business review with your customer success manager.

## Choose two to four metrics

Pick metrics that matter to your business and that the product influences: weekly active users, reports run per week, time to close a ticket, lead conversion rate. Fewer metrics get more attention.

## Record the baseline on day one

The baseline is where you start. Without it, progress is an opinion. The portal records it when the metric is created.

## Set a target and a date

"Weekly active users from 40 to 120 by the end of the quarter" is a target. The portal draws a straight line from baseline to target and shows whether you are on track or off track today.

## Review monthly

Look at the plan once a month. A metric off track for two months needs a conversation: either the approach changes, or the target was wrong and is changed openly.
"""),
    (None, "Prepare a quarterly business review that people remember", "Best practices", ["qbr", "business review", "meetings"], [], [3, 4], """
A quarterly business review is a conversation about facts: what the product changed for you, and what happens next. Preparation makes the difference between a slide show and a decision.

## Send the numbers beforehand

Your customer success manager can share a read-only view of your account for the period. Read it before the meeting so the time is spent on questions, not on reading charts together.

## Structure in three parts

1. **Outcomes**: the success-plan metrics, period against the one before.
2. **Adoption**: which key features are used, which are not, and why.
3. **Next quarter**: two or three commitments on each side, with owners and dates.

## Bring the people who decide

A review with only day-to-day users cannot change priorities. Invite the person who owns the budget for at least the last twenty minutes.

## Follow up in writing

Send the commitments in writing the same day. Next quarter's review starts by checking them.
"""),
    (None, "Manage users, seats and licences", "Administration", ["users", "seats", "licences", "admin"], ["team_invites"], [2], """
Admins keep the user list tidy so licences go to the people who need them.

## See who uses what

The users page shows each person's last sign-in. People who have not signed in for 60 days are candidates for a conversation: do they need access, or does someone else need the licence more?

## Deactivate rather than delete

Deactivating a user frees the licence and keeps their history (who created which report, who changed which record). Delete a user only when your data-protection rules require it.

## Transfer ownership before someone leaves

Reports, dashboards and automations have owners. Transfer them before deactivating the person; orphaned automations keep running but nobody receives their errors.

## Plan seats with your usage figures

Seat utilisation on your dashboard shows how many licences were used in the last weeks. Bring that figure to your renewal conversation: it is the most honest basis for the right number of seats.
"""),
    (None, "Security settings every admin should check", "Administration", ["security", "admin", "mfa", "audit"], [], [3], """
A few settings make a large difference to the security of your workspace. Check them once, then once a year.

## Require two-factor authentication

Switch on **Require two-factor authentication** for everyone, or at least for admins and editors. Combined with single sign-on, your identity provider's policy applies instead.

## Session length

Shorter sessions reduce the risk from unattended computers. Eight to twelve hours with a two-hour idle limit suits most office teams.

## Review the audit log

The audit log records sign-ins, permission changes, exports and token use. Look at it monthly, especially for large exports and new admin rights.

## Restrict sign-in by network if you must

If your policy requires it, limit sign-in to your company's IP ranges. Remember people working from home or travelling before you switch it on.

## Keep admin rights rare

Two admins is enough for most organisations. Everyone else works with editor or viewer rights.
"""),
    (None, "Data retention and deleting data", "Administration", ["privacy", "gdpr", "retention", "data"], [], [3], """
Keeping data only as long as you need it reduces risk and helps you meet data-protection rules.

## Retention settings

Under **Settings → Data retention** you choose how long raw events are kept. Daily summaries, which all dashboards use, are kept for the life of the workspace, so charts keep working after raw events are removed.

## Deleting a person's data

When someone asks for their data to be deleted, search for them under **Privacy requests**, review what is held, and confirm. Their personal details are removed; aggregated figures such as "active users last March" stay unchanged because they no longer identify anyone.

## Exports of personal data

The same page exports everything held about a person as a machine-readable file, which answers a subject access request.

## Keep a record

Each deletion or export is recorded in the audit log with who did it and when, which is the evidence an auditor will ask for.
"""),
    (None, "Dashboards that get used: design tips", "Reporting", ["dashboards", "design", "charts"], ["dashboards"], [2], """
Most dashboards are built once and opened rarely. These habits make yours one of the few that are opened every day.

## One dashboard, one audience

A dashboard for the sales leadership and one for the support team should be different dashboards. Trying to serve both serves neither.

## The most important number top left

People read from the top left. Put the figure that answers the audience's main question there, large, with its comparison to last period.

## Fewer charts, better labels

Six charts are plenty. Every chart needs a title that says what it shows and axis labels with units. If a chart needs a paragraph to explain, it is the wrong chart.

## Use colour for meaning only

Use one neutral colour for data and a highlight colour for what needs attention. Choose colours that people with colour blindness can tell apart; the built-in palettes already do.

## Remove what nobody looks at

Every quarter, remove the chart nobody asked about. A lean dashboard loads faster and is read more.
"""),
    (None, "Filters, segments and saved views", "Reporting", ["filters", "segments", "reports"], ["dashboards"], [2, 3], """
Filters let one report answer many questions. Saved views let you come back to the answer without rebuilding it.

## Filters

Add filters for the fields your audience slices by most often: region, product line, owner. Filters apply to every chart on a dashboard, so a regional manager sees their region with one click.

## Segments

A segment is a saved definition of a group, for example "accounts renewing in the next 90 days with falling usage". Segments update themselves as data changes, so the list is always current.

## Saved views

When you have set the filters you need, save the view with a name. Share the link: colleagues open exactly what you see.

## Keep segment names honest

Name segments by their rule, not their purpose ("ARR over 100k, usage down 30%" rather than "at risk"). Rules are facts; purposes change.
"""),
    (None, "Troubleshoot a sync that stopped", "Integrations", ["integrations", "troubleshooting", "sync"], ["integrations"], [3], """
Integrations stop for a handful of reasons. Checking them in this order solves almost every case.

## 1. Was the connection's user deactivated?

If the connection uses a person's account in the other system and that person left, the connection fails. Reconnect with an integration user.

## 2. Did permissions change?

A changed role in the other system can remove access to an object. The integration page names the object that failed; grant read access to it again.

## 3. Is a rate limit being hit?

Large backfills can exceed the other system's daily API allowance. Syncs resume automatically the next day; to go faster, ask the vendor of that system for a higher allowance.

## 4. Did a field change type?

If someone changed a field from text to a number in the source, records with the old format fail. The error list shows the field; fix the values in the source and resync.

## Still stuck?

Send the support team the integration's error id from the integration page. It lets them find the exact failure in seconds.
"""),
    (None, "Use webhooks to react in real time", "Integrations", ["webhooks", "integrations", "developers"], ["integrations", "api_access"], [4], """
Webhooks send a message to your system the moment something happens in the product, so you do not have to poll the API.

## Create a webhook

Under **Integrations → Webhooks**, add the URL that should receive messages and pick the events. Each message is a JSON object with the event type, the time in UTC and the record.

## Verify signatures

Every message carries a signature header computed with your webhook secret. Verify it before trusting the message; it proves the message came from the product and was not altered.

## Answer quickly, work later

Answer with a `2xx` status within a few seconds and do the real work in the background. Slow answers are treated as failures and retried.

## Expect retries and duplicates

Failed deliveries are retried with increasing delays for up to a day. Your receiver may see the same message twice: use the message id to ignore duplicates.
"""),
    (None, "Adoption playbook: from a few power users to the whole team", "Best practices", ["adoption", "change management", "champions"], ["team_invites", "dashboards"], [2, 3], """
Most teams have a few people who love the product and many who tolerate it. This playbook spreads the first group's habits to the second.

## Name champions

Ask two or three power users to be champions for a quarter. Their job is small: answer colleagues' questions and share one useful trick a week in the team channel.

## Make the first success easy

For each new group, prepare one view that answers their most common question. A colleague who gets a useful answer in their first five minutes comes back.

## Measure adoption of key features, not only logins

Signing in is not the same as getting value. Track the key features that predict success (dashboards viewed, reports scheduled, integrations connected); the portal shows which ones your team uses and which not yet.

## Celebrate visible wins

When a decision was made faster thanks to the product, say so in the team meeting. Stories spread adoption faster than training.
"""),
    (None, "Reduce manual data entry", "Automation", ["automation", "data quality", "integrations"], ["automations", "integrations"], [3, 4], """
Every field typed by hand is a chance for a mistake and a minute not spent on real work. Reducing manual entry improves data quality and morale at once.

## Find where typing happens

Ask the team where they copy information from one system to another. Each copy is a candidate for an integration or an automation.

## Prefer the source system

If the information exists in another system, sync it rather than re-typing it. Decide which system owns each field, and make the others read-only for it.

## Use defaults and rules for the rest

For fields that must be entered, set sensible defaults and use automation rules to fill what can be derived (a region from a country, an owner from a territory).

## Check quality monthly

A monthly report of records with empty required fields shows whether the changes worked, and where training is still needed.
"""),
    (None, "Notifications without noise", "Automation", ["notifications", "email", "alerts"], ["automations"], [3], """
Notifications should tell people something they need to act on. Too many, and all of them are ignored.

## Notify about exceptions, not routine

"Deal over 50k closed" is worth a message; "record updated" is not. If a notification would fire dozens of times a day, turn it into a scheduled digest instead.

## Send to the person who acts

Notify the owner of the record, not the whole team. Team-wide notifications diffuse responsibility: everyone assumes someone else will act.

## Choose the channel

Urgent and rare: chat or mobile. Useful but not urgent: the daily e-mail digest. Everyone can set their own preferences; admins set sensible defaults for new users.

## Review the loudest rules

The notification settings show which rules sent the most messages last month. Review the top three each quarter.
"""),
    (None, "Grow your maturity: from reactive to optimising", "Best practices", ["maturity", "strategy", "growth"], [], [1, 2, 3, 4, 5], """
Teams go through recognisable stages with a product like ours. Knowing your stage tells you what to work on next.

## Initial

A few people use the product when asked. Focus: one dashboard that answers a real question, used in a weekly meeting.

## Developing

Most licensed users sign in weekly. Focus: invite the remaining teams and agree who owns which figures.

## Defined

Reports arrive on schedule and data flows in from the main systems. Focus: write down routines and connect the next data sources.

## Managed

Routine work is automated and decisions refer to the numbers. Focus: automations, segments and alerts on exceptions.

## Optimising

Your own systems work with the product through the API and the team improves its processes from the data. Focus: review and retire what no longer earns its keep.

Take the maturity self-assessment in the portal: it places each dimension at a level and lists the behaviours of the next one.
"""),
    (None, "Working with time zones and dates", "Reporting", ["dates", "time zones", "reports"], [], [2], """
Dates look simple until a team spans several time zones. The product follows a few rules so figures stay consistent.

## Storage in UTC

Every event is stored with its time in UTC. Daily figures count UTC calendar days, so a day's numbers are the same wherever you look at them from.

## Display in your time zone

Times shown next to records (when a report was sent, when a user signed in) are converted to your own time zone, set in your profile.

## Choosing periods

"Last complete week" and "last complete month" avoid comparing a partial period with a full one. Use them in scheduled reports and business reviews.

## Exports

Exports write dates as ISO dates and times in UTC with the offset, so spreadsheets and BI tools read them without ambiguity.
"""),
    (None, "Support: how to get help quickly", "Getting started", ["support", "help"], [], [1], """
When something does not work, these steps get you an answer fastest.

## Search the knowledge base first

Many questions are answered here already, often with screenshots and steps. Search in your own words.

## Include the essentials in your request

- What you tried to do and what happened instead.
- The page address and the time it happened (with your time zone).
- Any error message or error id, copied as text.

A request with these three items is usually solved in one reply instead of three.

## Urgency levels

Mark a request as urgent only when work is blocked for many people. Urgent requests reach the on-call engineer; others are answered in business hours.

## Talk to your customer success manager

For questions about how to get more value (not about errors), your customer success manager is the right person. They see the same portal you do.
"""),
    (None, "Clean up old dashboards and reports", "Administration", ["housekeeping", "dashboards", "reports"], ["dashboards"], [3, 4], """
Over time, workspaces collect dashboards nobody opens and reports sent to nobody. Cleaning up makes the useful ones easier to find.

## Find what is unused

The content list can be sorted by last viewed. Anything not opened in 90 days is a candidate for archiving.

## Archive, then delete

Archive first: archived items disappear from lists and searches but can be restored for 90 days. If nobody asks for them in that time, delete them.

## Tell owners before you archive

Send owners a short list of their unused items a week before. Most will agree; a few will explain why a quarterly report looks unused in the middle of the quarter.

## Do it twice a year

A half-yearly clean-up takes an hour and keeps the workspace navigable.
"""),
    (None, "Roll out to a new department", "Getting started", ["rollout", "onboarding", "departments"], ["team_invites"], [2, 3], """
Bringing a second or third department on board is easier than the first, if you reuse what worked.

## Meet their lead first

Ask the department's lead which questions they answer every week and where the data lives. Their answers decide the first dashboard and the first integration.

## Copy, then adapt

Duplicate a dashboard that works for another team and adapt it. Starting from something real is faster than a blank page and spreads good conventions.

## Train the champion, not everyone

Give the department's champion an hour of hands-on help. They will answer most of their colleagues' questions better than a general training session.

## Check after four weeks

Look at the department's weekly active users after four weeks. If fewer than half use the product weekly, ask what is missing; usually it is one view or one data source.
"""),
]

DRAFTS = [
    (None, "Two-way sync with Salesforce (coming soon)", "Integrations", ["salesforce", "integrations"], ["integrations"], [4], """
Two-way sync will let changes made in the product flow back to Salesforce. This article is being written alongside the feature.
"""),
]
ARCHIVED = [
    (None, "Classic reports (retired)", "Reporting", ["reports"], [], [], """
Classic reports were replaced by the new report builder. Existing classic reports were converted automatically.
"""),
]
