from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from chorus.analysis.engine import pii
from chorus.core import redact, sensitive
from chorus.core.sensitive import KINDS, SPECIAL_KINDS, KnownNames, Passage, find_passages


@pytest.fixture(autouse=True)
def word_lists_and_rules_only() -> Iterator[None]:
    """These tests are about the word lists and rules; the sentence classifier the analysis
    app registers is tested in tests/analysis/test_special.py."""
    saved = list(sensitive._sentence_classifiers)
    sensitive._sentence_classifiers.clear()
    yield
    sensitive._sentence_classifiers.extend(saved)


def kinds_of(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in find_passages(text, **kwargs)]  # type: ignore[arg-type]


def flagged(text: str, kind: str) -> list[str]:
    return [p.text for p in find_passages(text) if p.kind == kind]


# --- The shape of the answer.


def test_passages_are_in_order_without_overlaps_and_point_into_the_text() -> None:
    text = (
        "Dr Patel saw me at 12 Acacia Avenue. My neighbour, Sarah Jones, has dementia. "
        "Email jo@example.com or call 07700 900123. I have MS."
    )
    passages = find_passages(text)
    assert passages
    for passage in passages:
        assert isinstance(passage, Passage)
        assert passage.kind in KINDS
        assert text[passage.start : passage.end] == passage.text
        assert passage.reason
    for before, after in itertools.pairwise(passages):
        assert before.end <= after.start


def test_an_empty_text_has_no_passages() -> None:
    assert find_passages("") == []


def test_every_special_kind_is_a_kind() -> None:
    assert set(SPECIAL_KINDS) <= set(KINDS)


# --- Contact details and numbers.


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Email me at jo.bloggs+x@example.co.uk please", "email", "jo.bloggs+x@example.co.uk"),
        ("Call 01632 960001 after six", "phone", "01632 960001"),
        ("ring +44 (0)20 7946 0123 after six", "phone", "+44 (0)20 7946 0123"),
        ("I live in CF10 1AA", "postcode", "CF10 1AA"),
        ("my NI is QQ 12 34 56 C", "ni_number", "QQ 12 34 56 C"),
        ("case number KB-2024-000123 is still open", "reference", "KB-2024-000123"),
        ("My case number is 55821345 and nobody has looked", "reference", "55821345"),
        ("The complaint (CMP5582134) was closed", "reference", "CMP5582134"),
        ("NHS number 943 476 5919", "reference", "943 476 5919"),
    ],
)
def test_contact_details_and_references_are_found(text: str, kind: str, found: str) -> None:
    assert flagged(text, kind) == [found]


def test_an_nhs_number_starting_with_zero_is_a_reference_not_a_phone_number() -> None:
    assert kinds_of("NHS number 012 345 6789.") == [("reference", "012 345 6789")]


@pytest.mark.parametrize(
    "text",
    [
        "The fee rose by 25% in 2024 to £1,200",
        "Waited 2 hours in 2024 for a COVID19 test",
        "On XX/XX/2019 I called them",  # masked dates in exported complaints
    ],
)
def test_numbers_that_are_not_personal_are_left_alone(text: str) -> None:
    assert find_passages(text) == []


def test_redact_and_the_engine_use_the_patterns_kept_here() -> None:
    redact_patterns = {pattern for _, pattern in redact.PATTERNS}
    engine_patterns = {pattern for _, pattern in pii._PATTERNS}
    assert {sensitive.EMAIL, sensitive.PHONE, sensitive.POSTCODE, sensitive.NI_NUMBER} <= redact_patterns
    assert {sensitive.REFERENCE_CUED, sensitive.REFERENCE_MIXED, sensitive.TITLED_NAME} <= engine_patterns


# --- Names.


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dr Patel was very rude", "Dr Patel"),
        ("Please thank Mrs O'Brien for me", "Mrs O'Brien"),
        ("Dr May explained everything", "Dr May"),
        ("Thanks to Sarah Jones for sorting it", "Sarah Jones"),
        ("my son Jack goes there", "Jack"),
        ("My neighbour, Sarah Jones, keeps parking across my drive", "Sarah Jones"),
        ("A lady called Tia rang me back", "Tia"),
        ("so was nurse Kelly", "Kelly"),
        ("Nkechi Okafor deserves a medal", "Nkechi Okafor"),  # unfamiliar given name, familiar surname
        ("We were seen by Raymond Green", "Raymond Green"),
        ("My neighbour, Thoas Green, keeps parking there", "Thoas Green"),  # a typo, but after a cue
        ("I spoke to Harry about it", "Harry"),
    ],
)
def test_people_are_named(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


def test_directory_names_are_found_in_any_case_and_spacing() -> None:
    names = ["Zebedee Quartermaine", "Priya Patel"]
    assert flagged_known("zebedee   quartermaine helped me", names) == [("name", "zebedee   quartermaine")]
    assert flagged_known("Ask Zebedee Quartermaine", KnownNames(names)) == [("name", "Zebedee Quartermaine")]


def flagged_known(text: str, names: object) -> list[tuple[str, str]]:
    return kinds_of(text, known_names=names)


def test_a_directory_name_says_so_in_its_reason() -> None:
    (passage,) = find_passages("Zebedee Quartermaine called", known_names=["Zebedee Quartermaine"])
    assert passage.reason == sensitive.REASONS["known_name"]


@pytest.mark.parametrize(
    "text",
    [
        "Citizens Advice were helpful.",
        "St Mary's Hospital needs more parking.",
        "Grace Church holds a coffee morning.",
        "Victoria Station is far too busy.",
        "Will you fix it? May I ask why?",
        "Universal Credit payments are late.",
        "I called Barclays twice.",
        "I spoke to Experian about it.",
        "The Queen Elizabeth Hospital does a good job.",
        "We set up Bill Pay last year.",
        "Mental health services need more money.",
    ],
)
def test_places_organisations_and_ordinary_words_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Could you let Tendai know the forms went in the post?", "Tendai"),
        ("Please can Oluwaseun ring me back this week?", "Oluwaseun"),
        ("Please can Will ring me back this week?", "Will"),
        ("Please can Ife from the council call me?", "Ife"),
        ("A huge thank you to Radek x", "Radek"),
        ("Dear Anwuli,\nI am writing about the hearing.", "Anwuli"),
        ("The Okorafors next door have had no hot water since May.", "Okorafors"),
        ("the Ní Bhriain family opposite were evicted", "Ní Bhriain"),
        ("Our housing officer (Zbigniew) never answers.", "Zbigniew"),
        ("The woman who rang back, Keturah, said it was fixed.", "Keturah"),
        ("Ask for Darnell at the front desk.", "Darnell"),
        ("Now it's Hope, who has never met us.", "Hope"),
        ("Please pass my thanks to Joy Baker, senior staff nurse on the ward.", "Joy Baker"),
        ("I spoke to Ifeoma in the council tax team yesterday.", "Ifeoma"),
        ("DS van den Broek took my statement.", "DS van den Broek"),
        ("The letter written by Dr. Price was wrong.", "Dr. Price"),
        ("Everyone knows it's Siobhan MacAteer who complains.", "Siobhan MacAteer"),
    ],
)
def test_people_are_named_by_the_words_around_them(text: str, name: str) -> None:
    """Names that are in no list, found from frames only a person fills."""
    assert name in flagged(text, "name")


@pytest.mark.parametrize(
    "text",
    [
        "Could you let Newport Council know?",
        "Please can Tesco deliver on Sundays?",
        "A huge thank you to Macmillan for the grant.",
        "Ask for Universal Credit advance payments.",
        "The Victorians built this hospital.",
        "We moved from Cardiff, near Newport, last year.",
        "I was seen in Darlington, then sent to Durham.",
        "Told to ring Tesco chemist.",
        "Choose Mr or Mrs. Very few people use Mx.",
    ],
)
def test_organisations_and_places_in_person_frames_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


def test_a_name_in_a_street_is_part_of_the_address() -> None:
    assert kinds_of("Send it to 26 Arthur Close.") == [("address", "26 Arthur Close")]


# --- Addresses.


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("I live at 12 Acacia Avenue and the bins are never collected", "12 Acacia Avenue"),
        ("Flat 3, 45 High Street has had damp for a year", "Flat 3, 45 High Street"),
        ("Write to 14b Church Lane, Leeds please", "14b Church Lane, Leeds"),
        ("We moved to 12 New Road, Bristol in May", "12 New Road, Bristol"),
        ("the house at 3 acacia avenue is empty", "3 acacia avenue"),
        ("I live at 24 Karrugang Circuit now", "24 Karrugang Circuit"),  # no usual suffix, but "I live at"
        ("I live on Acacia Avenue", "Acacia Avenue"),
    ],
)
def test_street_addresses_are_found(text: str, address: str) -> None:
    assert flagged(text, "address") == [address]


@pytest.mark.parametrize(
    "text",
    [
        "It was a 10 minute walk from the station.",
        "A 5 Star service.",
        "It is 2 minutes down the road.",
        "There are 3 bus routes and 2 trains an hour.",
        "Jobcentre Plus moved to the High Street.",
    ],
)
def test_numbers_before_ordinary_words_are_not_addresses(text: str) -> None:
    assert flagged(text, "address") == []


# --- Special categories.


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I have MS and the buses are hard for me.", "health"),
        ("My depression got worse while I waited.", "health"),
        ("I am disabled and the new layout makes it impossible.", "health"),
        ("As a wheelchair user I cannot get into the library.", "health"),
        ("I'm registered blind and the letters are too small.", "health"),
        ("As a Muslim I need a quiet room.", "religion"),
        ("I go to my church every Sunday.", "religion"),
        ("As a gay man I don't feel safe in town.", "sexual_life"),
        ("I am bisexual and felt judged.", "sexual_life"),
        ("As a Black British woman I am stopped more often.", "ethnicity"),
        ("We are a Gypsy/Traveller family and the site is full.", "ethnicity"),
        ("My conviction is spent but employers still ask.", "criminal"),
        ("When I was in prison nobody helped me.", "criminal"),
        ("I was arrested at the protest.", "criminal"),
        ("My daughter's diagnosis took two years.", "third_party"),
        ("My neighbour at number 14 has rats.", "third_party"),
        ("My husband has dementia and needs care.", "third_party"),
        ("He was arrested last month.", "third_party"),
    ],
)
def test_special_category_sentences_are_found_whole(text: str, kind: str) -> None:
    assert kinds_of(text) == [(kind, text)]


@pytest.mark.parametrize(
    "text",
    [
        "My husband and I both think it is fine.",
        "We need more support for disabled people in the town.",
        "The church hall is used by lots of groups.",
        "I was sick of waiting.",
        "I have been charged a fee twice.",
        "I am a victim of identity theft.",
        "I want it sorted as fast as possible.",
        "I have no faith in the council.",
        "I contacted trans Union about it.",
        "Prison reform is a national issue.",
        "The police station closed in 2019.",
        "I think the operation of the library is poor.",
        "IT IS SO UNFAIR TO ME AND MS SMITH AGREES.",
    ],
)
def test_ordinary_sentences_are_not_special(text: str) -> None:
    assert [k for k, _ in kinds_of(text) if k in SPECIAL_KINDS] == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A parent's or grandparent's origin, where the writer speaks of themselves, is the
        # writer's heritage, not someone else's details.
        ("My mum is Ghanaian and my dad is Welsh, so none of the boxes fit me.", "ethnicity"),
        ("I'm half Bengali on my father's side and Irish on my mother's.", "ethnicity"),
        ("My grandparents were Jamaican and I was born in Bristol.", "ethnicity"),
        # The writer in the term itself, or "my wife and I".
        ("The lads on the estate mock my skin colour every time I walk past.", "ethnicity"),
        ("As a Sikh I keep my hair uncut, and my son and I go to the gurdwara.", "religion"),
        # A strong term about the writer outweighs a weak one about a relative.
        ("I'm a humanist and I object to my kids saying prayers in assembly.", "religion"),
        ("I haven't slept with my husband since the surgery and it's wrecked us.", "sexual_life"),
    ],
)
def test_the_writers_own_matters_with_relatives_in_the_sentence(text: str, kind: str) -> None:
    assert kinds_of(text) == [(kind, text)]


@pytest.mark.parametrize(
    "text",
    [
        "My mum is Ghanaian and the receptionist laughed at her accent.",
        "My son and his wife are both on dialysis.",
        "My wife has bipolar and I'm worn out.",
    ],
)
def test_someone_elses_matters_stay_someone_elses(text: str) -> None:
    assert kinds_of(text) == [("third_party", text)]


def test_a_relatives_carer_is_a_job_not_a_disclosure() -> None:
    assert [k for k, _ in kinds_of("My nan's carer comes in twice a day and is always cheerful.")] == []


def test_only_the_sensitive_sentence_is_flagged() -> None:
    text = "The staff were lovely. I have epilepsy. Parking was easy."
    assert kinds_of(text) == [("health", "I have epilepsy.")]


def test_a_sentence_ending_in_etc_is_a_sentence() -> None:
    text = "Parking, food etc. I have epilepsy."
    assert kinds_of(text) == [("health", "I have epilepsy.")]


def test_a_name_inside_a_special_sentence_is_its_own_passage() -> None:
    text = "My neighbour, Sarah Jones, has dementia."
    assert kinds_of(text) == [
        ("third_party", "My neighbour"),
        ("name", "Sarah Jones"),
        ("third_party", "has dementia."),
    ]


def test_a_surname_that_is_a_colour_is_not_about_ethnicity() -> None:
    assert kinds_of("My son Ezra Brown has been waiting.") == [("name", "Ezra Brown")]


def test_a_long_sentence_is_cut_to_the_clause() -> None:
    text = (
        "The service was good overall and the staff on the ward were kind and patient with everyone who "
        "came in, including the visitors; I have diabetes and the meals came late every single day, "
        "which the staff knew about but could not change because the kitchen is run by a contractor."
    )
    (passage,) = find_passages(text)
    assert passage.kind == "health"
    assert passage.text.startswith("I have diabetes")
    assert "kitchen" not in passage.text


# --- Widened in the dev round of issue #20 (each failed before that change).


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("My patient number is 087 411 8550 if that helps.", "087 411 8550"),
        ("Hospital no. 485 777 3456.", "485 777 3456"),
        ("I was given the number 48213377 over the phone.", "48213377"),
        ("They logged it as job 55127790 but never came.", "55127790"),
        ("My membership ID is 4418 2291.", "4418 2291"),
    ],
)
def test_numbers_after_a_number_word_are_references(text: str, found: str) -> None:
    assert flagged(text, "reference") == [found]


@pytest.mark.parametrize(
    "text",
    [
        "It cost £12,000 in 2019.",
        "Bus number 42 is late.",
        "There are 12 GP surgeries for 40,000 people.",
        "I ranked it number 1 of 5.",
    ],
)
def test_small_or_money_numbers_after_number_words_are_not_references(text: str) -> None:
    assert flagged(text, "reference") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Come and see 69 Maltby Circuit for yourself.", "69 Maltby Circuit"),
        ("Parking near 4 Denovan Parkway is impossible.", "4 Denovan Parkway"),
        ("The potholes outside 12 Heol y Nant are deep.", "12 Heol y Nant"),
    ],
)
def test_streets_with_less_usual_types_are_addresses(text: str, address: str) -> None:
    assert flagged(text, "address") == [address]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Last time Henry Day visited she left a card.", "Henry Day"),
        ("I was dealt with by Mr Hill, who was patient.", "Mr Hill"),
        ("Ask Georgia Sharpe if you don't believe me.", "Georgia Sharpe"),
    ],
)
def test_surnames_that_are_words_and_names_after_person_verbs(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I served time and now volunteer with young people.", "criminal"),
        ("During Ramadan I fast and the sessions exclude me.", "religion"),
        ("I came out last year and my family stopped talking to me.", "sexual_life"),
        ("I use a walking frame and the pavement is cracked.", "health"),
    ],
)
def test_more_ways_of_saying_it_about_yourself(text: str, kind: str) -> None:
    assert [k for k, _ in kinds_of(text)] == [kind]


def test_coming_out_of_somewhere_is_not_sexual_life() -> None:
    assert kinds_of("I came out of the shop and the bus had gone.") == []


def test_a_phone_number_after_my_number_is_still_a_phone_number() -> None:
    assert kinds_of("My number is 07700 900123.") == [("phone", "07700 900123")]


def test_a_masked_date_after_a_reference_word_is_not_a_reference() -> None:
    assert flagged("The payment XX/XX/2019 was refused. My bill XX/XX/XXXX5 too.", "reference") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I was referred by Fearghal Condon at the surgery.", "Fearghal Condon"),
        ("Kind regards, Llinos Cadwaladr", "Llinos Cadwaladr"),
        ("The letter was signed by Max Toor, Head of Service.", "Max Toor"),
        ("Both Zarna Baria and her manager ignored me.", "Zarna Baria"),
    ],
)
def test_two_unfamiliar_capitalised_words_side_by_side_are_a_name(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


@pytest.mark.parametrize(
    "text",
    [
        "I'm Somali and the interpreter never turned up.",
        "Bill Pay never works on the app.",
        "The NHS and the DVLA both lost my letters.",
    ],
)
def test_contractions_word_pairs_and_acronyms_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Quoting 202393348, as your letter asked.", "202393348"),
        ("They gave me a log number, 76/355228/24, and nothing since.", "76/355228/24"),
        ("The crime number the police gave me was 5394 9590.", "5394 9590"),
    ],
)
def test_long_numbers_and_numbers_some_words_after_their_cue_are_references(
    text: str, reference: str
) -> None:
    assert flagged(text, "reference") == [reference]


@pytest.mark.parametrize(
    "text",
    [
        "The hearing was on 12/03/2024 at ten.",
        "The council spent £12,345,678 on the new road.",
        "In 2023 there were 1,450 households on the list.",
    ],
)
def test_dates_and_money_are_not_references(text: str) -> None:
    assert flagged(text, "reference") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PC Pritchard came out twice.", "PC Pritchard"),
        ("The drop-in was run by Jack dela Cruz, who was honest.", "Jack dela Cruz"),
        ("Thanks again, Wojciech", "Wojciech"),
        ("Kind regards,\nRazvan da Silva", "Razvan da Silva"),
        ("The caretaker, Hetal, keeps the hall spotless.", "Hetal"),
        ("Our son was helped by Ifeoluwa at the youth club.", "Ifeoluwa"),
        ("I think his name was Olumide.", "Olumide"),
        ("Obinna Wood from the housing office never rang back.", "Obinna Wood"),
    ],
)
def test_titles_particles_sign_offs_and_person_cues_find_names(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


@pytest.mark.parametrize(
    "text",
    [
        "I called Barclays twice about it.",
        "Carrington Mortgage never answered.",
        "The XXXXNeeds Attention letter came.",
        "I spoke to CitiBank about it.",
    ],
)
def test_organisations_and_masked_text_after_cues_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Could the officer please visit 177 Micklegate?", "177 Micklegate"),
        ("Return address: 204 The Vennel", "204 The Vennel"),
    ],
)
def test_numbered_streets_without_a_thoroughfare_word_are_addresses(text: str, address: str) -> None:
    assert flagged(text, "address") == [address]


@pytest.mark.parametrize(
    "text", ["We waited 3 Weeks for an answer.", "Item 3 The Council will decide in May."]
)
def test_a_number_before_a_word_or_an_institution_is_not_an_address(text: str) -> None:
    assert flagged(text, "address") == []


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Please see my previous complaint (4821 0736 519).", "4821 0736 519"),
        ("This relates to PCN 8834 1029 55, which was closed.", "PCN 8834 1029 55"),
        ("Quoting K1QZ5J2R, I am writing to appeal.", "K1QZ5J2R"),
        ("It was submitted under 6017392/2025.", "6017392/2025"),
    ],
)
def test_grouped_digits_and_long_codes_are_references(text: str, reference: str) -> None:
    assert flagged(text, "reference") == [reference]


# --- Names told by the words around them (own examples, not from any benchmark set).


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # "Thanks" closing a response: one unfamiliar word or a given name after it.
        ("The form kept timing out.\nThanks, Tendai", "Tendai"),
        ("Please sort the lights out. Thank you, Bronwen.", "Bronwen"),
        ("Thanks, Joy", "Joy"),
        # What follows says it is a person: a possessive with a relation or a quality,
        # "and her husband", "who", where someone works.
        ("Gwilym's patience with my dad was wonderful.", "Gwilym"),
        ("Every weekend Ffion Thorley's dog barks for hours.", "Ffion Thorley"),
        ("Chidera and her sister ran the stall all summer.", "Chidera"),
        ("The one who helped was Robin Fisher who runs the library van.", "Robin Fisher"),
        ("Tomasz from the repairs team came out the same day.", "Tomasz"),
        ("Nobody listened. Rhiannon at the front desk did.", "Rhiannon"),
        ("I got through to Bill, who was no help.", "Bill"),
        # A title, then a surname that is a place word or comes after a particle.
        ("Rabbi Naomi Field opened the hall to us.", "Rabbi Naomi Field"),
        ("Yours faithfully, Mrs Dorothy Bridge", "Mrs Dorothy Bridge"),
        ("Nurse van Leeuwen explained the discharge plan.", "Nurse van Leeuwen"),
        # A two-word name set off by commas, a word-like given name, a short surname.
        ("The locksmith, Norris Bennett, charged us twice.", "Norris Bennett"),
        ("Could June Adebayo call me back?", "June Adebayo"),
        ("Everyone agrees Olamide Wu did a great job.", "Olamide Wu"),
    ],
)
def test_cues_after_a_name_closings_and_titles_find_names(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


@pytest.mark.parametrize(
    "text",
    [
        "After the move with my partner, I'm finally settled.",
        "I'm of Greek Cypriot heritage.",
        "We fasted for Yom Kippur together.",
        "Thanks for nothing.",
        "Thanks, Everyone",
        "Morrisons in the retail park is always busy.",
        "I flew to Glasgow from the airport in the morning.",
        "The village, Aberporth, floods every winter.",
    ],
)
def test_contractions_identities_places_and_shops_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("The drain outside 41 Maes yr Haf is blocked.", "41 Maes yr Haf"),
        ("Post for 7 Bryn-y-Mor keeps going next door.", "7 Bryn-y-Mor"),
        ("We moved into 16 Mount Zion in March.", "16 Mount Zion"),
        ("The house at 9 Frog Ghyll is empty.", "9 Frog Ghyll"),
        ("Noise from 30 Oakleigh Manor goes on all night.", "30 Oakleigh Manor"),
        ("Address: 12 Castlegate\nYork", "12 Castlegate"),
    ],
)
def test_welsh_type_first_and_name_only_streets_are_addresses(text: str, address: str) -> None:
    assert flagged(text, "address") == [address]


@pytest.mark.parametrize("text", ["I gave it 1 Star Trustpilot review.", "We had 2 Big Breakfasts."])
def test_a_number_before_two_ordinary_capitalised_words_is_not_an_address(text: str) -> None:
    assert flagged(text, "address") == []


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("They emailed a case number, 6620 1184, last week.", "6620 1184"),
        ("It was filed under 31 552 907.", "31 552 907"),
        ("My claim number is 40 118 236.", "40 118 236"),
    ],
)
def test_numbers_after_a_comma_and_in_2_3_3_groups_are_references(text: str, reference: str) -> None:
    assert flagged(text, "reference") == [reference]


@pytest.mark.parametrize("text", ["The tribunal sat on 14 06 2024.", "It was due 2024.06.14 at noon."])
def test_dates_in_spaced_or_dotted_groups_are_not_references(text: str) -> None:
    assert flagged(text, "reference") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Letters of any alphabet: the name was cut at the accent before.
        ("The hearing was adjourned because Đức Sindi did not turn up.", "Đức Sindi"),
        ("Thanks, Thảo", "Thảo"),
        ("I spoke to Nguyệt Featherstone about the rent.", "Nguyệt Featherstone"),
        # Frames only a person fills, whatever the name.
        ("Navjot and I have been on the housing list for years.", "Navjot"),
        ("Egal the caretaker knows all about the broken lift.", "Egal"),
        ("Thilaga's wheelchair would not fit on the bus.", "Thilaga"),
        ("Please thank Mahad for me, she made the day easier.", "Mahad"),
        ("I went in with Amber and we both waited two hours.", "Amber"),
        ("I was passed on until Nasrin finally picked it up.", "Nasrin"),
        ("we were told Hope would call back by friday, nobody did", "Hope"),
        ("asked for Ubah but they said she had moved teams", "Ubah"),
        ("The bailiff gave his name as Kowalczyk and left.", "Kowalczyk"),
        # Any word but a few signing off the text.
        ("Thanks for listening.\nCheers Winsome", "Winsome"),
        ("Best wishes, Sunny x", "Sunny"),
    ],
)
def test_person_frames_any_alphabet_and_last_word_sign_offs_find_names(text: str, name: str) -> None:
    assert flagged(text, "name") == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Cheers Mate",
        "Kind regards, Disappointed",
        "Regards, Resident",
        "Thanks, Everyone",
        "Tesco and I have never got on.",
        "Please thank the council for me.",
        "We went in with Barclays and we both lost out.",
        "The church group meets on Fridays and Tuesdays.",
        "My nan and I went to the Mela in Victoria Park.",
    ],
)
def test_sign_off_words_companies_and_days_in_person_frames_are_not_names(text: str) -> None:
    assert flagged(text, "name") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I did a stretch inside years ago and the housing office still treats me like dirt.", "criminal"),
        ("My licence conditions say I must live at approved premises.", "criminal"),
        ("I wear my kirpan and court security always stops me.", "religion"),
        ("I lay tefillin every weekday morning so early appointments are hard.", "religion"),
        ("I'm in an open relationship and the social worker judged me for it.", "sexual_life"),
        ("The officer looked at my afro and followed me round the shop.", "ethnicity"),
        ("I'm expecting a baby and the midwife appointments clash with my hearing.", "health"),
    ],
)
def test_indirect_words_for_prison_faith_and_identity_are_special(text: str, kind: str) -> None:
    assert kind in [p.kind for p in find_passages(text)]


@pytest.mark.parametrize(
    "text",
    [
        "I attend the Crown Court most weeks as a solicitor and the lifts are always broken.",
        "As a probation officer I think the reporting centre needs more interview rooms.",
        "I'm a journalist and I cover hearings at the magistrates court.",
        "I was there as a witness for my employer and the CPS staff were helpful.",
    ],
)
def test_courts_and_prisons_in_the_writers_work_are_not_their_record(text: str) -> None:
    assert "criminal" not in [p.kind for p in find_passages(text)]
