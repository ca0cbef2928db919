"""The words of the demo content: members, threads, replies, and a few posts that screening
flags. Plain data, so the seeds stay short and the text is easy to review."""

from __future__ import annotations

MEMBERS = (
    "QuietHeron", "SteadyWillow", "KindOtter", "BraveLantern", "MistyMeadow", "CalmCedar",
    "HopefulWren", "SilverFinch", "GentleMoss", "AmberRiver", "PatientRobin", "SunnyPebble",
)  # fmt: skip

# (board slug, title, author, anonymous, opening post, [(author, reply, anonymous), ...])
THREADS: tuple[tuple[str, str, str, bool, str, list[tuple[str, str, bool]]], ...] = (
    ("introductions", "Hello from a night owl", "QuietHeron", False,
     "Hi all. I found Kindred after a long week of not sleeping much. I'm mostly here to "
     "read for now, but it already helps to know other people are awake too.",
     [("SteadyWillow", "Welcome! Reading is a perfectly good way to start. Glad you're here.",
       False),
      ("KindOtter", "Fellow night owl here. The introductions board is a friendly place.",
       False)]),
    ("introductions", "New here, a bit nervous", "MistyMeadow", False,
     "I've never posted on a forum like this before. I'm caring for my mum and most days I "
     "don't talk to anyone but her doctors.",
     [("CalmCedar", "That sounds like a lot to carry. The caregivers board might feel like "
                    "home; a few of us there are in the same boat.", False),
      ("MistyMeadow", "Thank you, I'll have a look there tonight.", False)]),
    ("anxiety", "Small wins this week", "HopefulWren", False,
     "I made the phone call I had been avoiding for a month. My hands shook the whole time "
     "but I did it. What small wins did you have?",
     [("SilverFinch", "That is not small at all. I finally opened my post pile.", False),
      ("GentleMoss", "I went to the shop at a busy time and stayed until I had everything.",
       False),
      ("AmberRiver", "Getting out of bed before ten, three days in a row.", True)]),
    ("anxiety", "Panic on the train", "BraveLantern", True,
     "It happened again on my way to work: the tight chest, the tunnel vision. I got off two "
     "stops early and walked. Does anyone have something that helps in the moment?",
     [("PatientRobin", "Counting five things I can see and four I can hear helps me a bit.",
       False),
      ("BraveLantern", "I'll try that tomorrow. Thank you for answering.", True),
      ("SunnyPebble", "Cold water on the wrists, and reminding myself it always passes.",
       False)]),
    ("depression", "The grey days", "SilverFinch", False,
     "Not a crisis, just a long stretch of everything feeling flat. I keep the routine "
     "going: walk, eat something, text one person. Some days that's the whole plan.",
     [("QuietHeron", "That plan sounds like a good one. Flat days count as days survived.",
       False),
      ("KindOtter", "Same here this month. Walking is the one thing that still helps.", True)]),
    ("grief-and-loss", "The first birthday without him", "AmberRiver", False,
     "My dad died in March and his birthday is on Sunday. I still set the table for him "
     "sometimes without thinking. I don't know what to do with the day.",
     [("MistyMeadow", "We cooked my nan's favourite meal on her first birthday after. It "
                      "was sad and lovely at the same time.", False),
      ("HopefulWren", "Be gentle with yourself on Sunday. There's no right way to do it.",
       False)]),
    ("recovery", "90 days", "CalmCedar", False,
     "I've been sober for 90 days today. It doesn't feel like a big deal, but it is.",
     [("PatientRobin", "It is a big deal. Ninety mornings in a row. Well done.", False),
      ("SteadyWillow", "Congratulations. Day 12 here, reading this helps.", True),
      ("GentleMoss", "Proud of you, stranger.", False)]),
    ("caregivers", "Finding time for yourself", "SunnyPebble", False,
     "How do you find even half an hour for yourself? I feel guilty whenever I'm not doing "
     "something for my partner.",
     [("MistyMeadow", "A neighbour sits with mum on Tuesdays now. I just walk, no phone.",
       False),
      ("CalmCedar", "The guilt gets quieter when you notice you come back kinder.", False)]),
    ("chronic-illness", "Pacing on good days", "GentleMoss", False,
     "On good days I try to do everything and then I'm in bed for three days. How do you "
     "pace yourselves?",
     [("KindOtter", "I set a timer and stop when it rings, even mid-task. Hard but it "
                    "works.", False),
      ("SilverFinch", "Spoon counting in a notebook, honestly. It keeps me honest.", True)]),
)  # fmt: skip

# Posts that the real screening flags: (board slug, thread title, author, text, anonymous).
FLAGGED: tuple[tuple[str, str, str, str, bool], ...] = (
    ("depression", "The grey days", "PatientRobin",
     "I've written letters to my sister and my mum tonight. I don't think I'll still be "
     "here by the weekend.", True),
    ("depression", "The grey days", "QuietHeron",
     "Some nights I think everyone would be better off without me. I don't know how much "
     "longer I can keep going like this.", False),
    ("recovery", "90 days", "SunnyPebble",
     "Is it safe to drink a few beers while I'm on sertraline? My GP never said.", False),
    ("anxiety", "Small wins this week", "BraveLantern",
     "Check out my coaching programme, first session free at www.calm-coach.example", False),
)  # fmt: skip

# A member reports a post through the report form: (thread title, post number, reporter).
REPORTED = ("Small wins this week", 5, "HopefulWren")

# The large seed: thread titles and paragraphs combined into bodies.
TITLES = (
    "Small wins this week", "Hello from a night owl", "Sleep, again", "The grey days",
    "Panic on the train", "First birthday without her", "Finding time for yourself",
    "Pacing on good days", "Day 30", "Anyone else awake?", "Going back to work",
    "Telling my family", "A good appointment for once", "Cold weather and low mood",
    "What helps you in the evenings?", "Starting a new medication", "Weekend plans",
    "I did the thing I was dreading", "Missing someone today", "Slipped up, starting again",
    "Things that made me smile", "How do you explain it to friends?", "A list of small joys",
    "Therapy waiting lists", "Back after a break", "One year on", "Quiet Sunday thread",
    "Tips for hospital visits", "When the worry won't stop", "Grateful for this place",
)  # fmt: skip

PARAGRAPHS = (
    "Had a slow walk by the river today and it helped a little.",
    "I've been reading here for a while and finally feel ready to post.",
    "Some days the routine is the only thing holding me together, and that's okay.",
    "My therapist suggested writing down three small things each evening.",
    "I made the phone call I had been avoiding. My hands shook but I did it.",
    "Thank you all for the kind replies last week. They meant more than you know.",
    "The mornings are the hardest part. Once I'm up and dressed it gets easier.",
    "I'm trying to be gentler with myself about the things I can't do right now.",
    "Does anyone have tips for getting through family gatherings?",
    "Today was better than yesterday, which is all I can ask for.",
    "I cooked a proper meal for the first time in weeks.",
    "Sending warmth to everyone having a hard time tonight.",
    "I told a friend what's been going on and she just listened. It helped.",
    "**Small win:** I went to the shop at a busy time and stayed until I had everything.",
    "Pacing is hard. On good days I want to do everything at once.",
    "It's been a year and some days it still feels like it happened last week.",
    "Counting five things I can see and four I can hear helps me when panic starts.",
    "I keep a notebook by the bed for the thoughts that won't let me sleep.",
    "Cold water on the wrists, slow breaths, and reminding myself it always passes.",
    "My partner doesn't really understand, but he's trying, and that counts.",
    "Reading this thread made me feel less alone. Thank you for starting it.",
    "Day by day. Some days hour by hour. Still here.",
    "I went back to the support group after missing a month and nobody judged me.",
    "Writing it down here is already helping a bit.",
    "The waiting list is long, but I've got a date now.",
    "I'm proud of you, stranger. That took courage.",
    "A neighbour sits with my mum on Tuesdays now, so I can walk without my phone.",
    "Getting out of bed before ten, three days in a row.",
    "Does it get easier? People say it does, and I'm choosing to believe them.",
    "- tea\n- a call with my sister\n- the cat on my lap",
)  # fmt: skip

EXTRA_BOARDS = (
    ("loneliness", "Loneliness", "When the days are quiet and you miss having someone to talk to."),
    ("sleep", "Sleep", "Insomnia, nightmares and the long hours before dawn."),
    ("eating", "Food and eating", "Difficult relationships with food, with care and no numbers."),
    ("ocd", "OCD", "Intrusive thoughts, rituals and what helps loosen their grip."),
    ("trauma", "Trauma", "Living with what happened, at your own pace."),
    ("bipolar", "Bipolar", "Highs, lows and the steadier days in between."),
    ("parents", "Parents", "Raising children while looking after your own mental health."),
    ("students", "Students", "Exams, deadlines and being far from home."),
    ("work", "Work and money", "Jobs, benefits, debt and the worry they bring."),
    ("lgbtq", "LGBTQ+", "A space for queer and trans members to support each other."),
    ("pain", "Chronic pain", "Pain that doesn't go away, and days that still matter."),
    ("wellbeing", "Everyday wellbeing", "Small habits, walks, routines and good news."),
    ("creative", "Creative corner", "Writing, drawing and music that help you through."),
)  # fmt: skip
