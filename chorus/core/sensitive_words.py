"""The word lists behind ``chorus.core.sensitive``: names, places, cues and lexicons.

Kept apart so the detector's logic reads on its own; edit a list here and check the
result with ``tests/core/test_sensitive.py`` and ``benchmarks/moderation.py``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names in the UK, lower case: common ones (data/given_names.txt) and those of
    communities from many countries (data/given_names_more.txt; see data/README.md)."""
    names: set[str] = set()
    for file in ("given_names.txt", "given_names_more.txt"):
        lines = (_DATA / file).read_text(encoding="utf-8").splitlines()
        names.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(names)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Common UK surnames that are not everyday words, lower case (data/surnames.txt)."""
    lines = (_DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Everyday English words, lower case (SCOWL's British list; data/README.md).

    A capitalised word that is not one of these is unfamiliar: two of them side by side
    ("Fearghal Condon", "Llinos Cadwaladr") read as a person's name."""
    lines = (_DATA / "common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Given names that are also everyday words: a name only with a surname or a cue.
AMBIGUOUS_NAMES = _words(
    """will mark may june april august grace hope joy faith rose dawn amber holly ruby jade pearl
    summer autumn sky iris heather olive violet daisy ivy hazel robin carol angel eve kit gene chase
    hunter rusty bill bob pat sue rob rod art ed al don frank guy ray dean drew earl cliff penny crystal
    sandy candy brandy honey ginger jay max sam nick jack harry bell lily poppy rich mo christian
    ally virginia experience macy mae
    victor victoria florence chelsea jordan india lincoln chester devon kent georgia madison paris
    austin sydney florida jersey dallas shannon clay ash glen glenn wade ross norman stewart
    marshall grant miles hall"""
)

# The most word-like of those: before a capitalised word they are a name only when that
# word is a familiar surname ("Bill Pay", "Will Power", but "Will Jones").
WORDLIKE_NAMES = _words(
    """will mark may june april august bill pat rob sue don guy ray art ed al frank hope joy faith grace
    rich max nick rusty sandy penny crystal candy brandy honey ginger cliff drew gene chase hunter earl
    dawn summer autumn sky angel eve kit mo bob rod bell ally experience macy mae christian miles grant
    norman marshall hall clay ash glen wade"""
)
RELATION_WORDS = _words(
    """son sons daughter daughters child children kid kids baby toddler husband wife partner fiance
    fiancee fiancé fiancée mum mom mother mam dad father parent parents brother sister sibling
    siblings nan nana nanna gran granny grandma grandmother grandad granddad grandpa grandfather
    grandparent grandparents grandson granddaughter grandchild grandchildren uncle aunt auntie aunty
    cousin nephew niece friend friends neighbour neighbours neighbor flatmate housemate lodger tenant
    colleague boss boyfriend girlfriend ex ex-husband ex-wife ex-partner stepson stepdaughter
    stepfather stepmother stepdad stepmum mother-in-law father-in-law sister-in-law brother-in-law
    son-in-law daughter-in-law carer client landlord landlady twin twins teenager lad girl boy"""
)
# Capitalised words that end a place's or an organisation's name.
PLACE_WORDS = _words(
    """hospital hospitals infirmary clinic surgery practice centre center health healthcare trust
    foundation council borough county city town village school academy college university library
    church chapel cathedral mosque temple synagogue gurdwara station airport park gardens garden
    street st road rd lane avenue ave way close drive court place square terrace crescent grove hill
    green row walk hall house building estate ward unit wing department team service services group
    association society club charity bank ltd limited plc inc llp partners partnership company co
    advice support care homes home housing agency authority office board commission network
    institute museum theatre cinema stadium arena market mall bridge river valley island bay beach
    forest common heath moor fields field mews rise vale cottage farm manor lodge tower towers point
    quay wharf dock harbour port junction line express airways airlines rail railway bus buses
    transport energy water gas electric mobile telecom media news times post mail radio television
    act law credit benefit allowance payment tax badge pass card scheme programme project fund
    festival award cup league plus uk direct online hub cafe café restaurant hotel inn arms pub bar
    shop store stores supermarket pharmacy chemist dental dentist opticians medical hospice nursing
    day night week weekend month year gate gates end heights meadow meadows croft parade circus
    boulevard approach yard path wynd brae view circuit circle parkway highway motorway ridge
    crest trail"""
)

NOT_NAME = _words(
    """i the a an and but or nor so if when while whilst then there here this that these those it its
    he she we they you your yours my mine our ours his her hers their theirs me him us them who whom
    whose what where why how which is was are were be been being has have had do does did will
    would could should can may might must shall not no yes thank thanks please very really also all
    just only even some any every each many much more most other another such both either neither
    after before during since until at in on of to from with without for by as about into onto over
    under between through again always never sometimes often today yesterday tomorrow now later well
    good great excellent lovely nice kind friendly helpful brilliant amazing fantastic wonderful
    fab happy sad poor bad terrible awful rude best better worse worst everyone everybody everything
    nothing nobody someone somebody something anyone anybody anything monday tuesday wednesday
    mondays tuesdays wednesdays thursdays fridays saturdays sundays
    thursday friday saturday sunday january february march april may june july august september
    october november december christmas easter ramadan eid diwali god lord jesus christ allah
    english british welsh scottish irish england wales scotland ireland britain uk nhs gp ok okay hi
    hello dear regards sincerely overall however although because unfortunately fortunately
    hopefully still yet maybe perhaps once twice first second third last next new old big small
    little long high low north south east west northern southern eastern western central upper lower
    royal national general local public social community mental government minister secretary
    manager director chief head officer police fire ambulance emergency accident universal citizens
    age child children adult family job jobcentre customer patient patients parking car train
    staff nurse nurses doctor doctors sister matron midwife mr mrs ms miss dr mx sir dame madam
    team reception receptionist department ward a&e covid coronavirus brexit internet website
    online email phone app google facebook twitter amazon microsoft apple windows ps p.s no.
    mum dad mother father son daughter husband wife nan grandad aunt uncle baby auntie"""
)

# Organisations, brands, bodies and festivals that a statistical name finder may read as a
# person's name ("Lidl", "Ofsted", "Mencap", "Vaisakhi"). Only the model's spans are
# checked against this list; the rules have their own (NOT_NAME, PLACE_WORDS).
# Words that sign a response but are not a name: "Cheers Mate", "Regards, Resident".
NOT_SIGNATURE = _words(
    """mate mates all everyone everybody guys folks team love bye anyway again resident residents
    parent parents customer customers taxpayer taxpayers patient patients tenant tenants user users
    disappointed concerned anonymous frustrated angry worried annoyed fed local"""
)
NOT_A_PERSON = _words(
    """tesco tescos sainsbury sainsburys asda morrisons lidl aldi waitrose iceland co-op coop
    boots superdrug primark argos currys greggs costa starbucks mcdonalds kfc subway ikea b&q
    wilko poundland marks spencer selfridges harrods ocado deliveroo uber ebay paypal netflix
    barclays lloyds natwest halifax santander hsbc nationwide monzo starling revolut klarna
    vodafone o2 ee bt sky virgin talktalk openreach ofcom ofgem ofwat ofsted ofqual dvla dvsa
    hmrc hmcts dwp hmpps cafcass acas ombudsman nhs ukvi whatsapp instagram tiktok youtube
    linkedin zoom teams gov.uk mencap mind shelter barnardos barnardo's oxfam macmillan scope
    samaritans nspcc rspca rnli unison unite gmb tfl networkrail avanti lner gwr arriva stagecoach
    firstbus nexus metrolink parliament westminster whitehall senedd holyrood stormont interpol
    europol brexit vaisakhi baisakhi hanukkah chanukah passover pesach navratri holi lent advent
    pentecost yom kippur rosh hashanah purim diwali eid ramadan christmas easter halloween
    bonfire pride remembrance hogmanay mela eisteddfod carnival vesak lohri onam pongal nowruz
    samhain beltane experian equifax transunion clearscore creditkarma
    lowell cabot moorcroft capquest intrum wonga provident vanquis aqua capital one amex
    american express visa mastercard chase citi citibank synchrony navient ocwen nationstar
    ditech sallie mae wells fargo comenity bancorp truist pnc"""
)

# Words after a name that make it a business's or a place's ("Rushcliffe hub", "Applewood
# Funding"), words before one word that make it a place ("in Rhyl"), and travel words
# before "to" or "from" that do too ("flew to Glasgow"): checks on a model's name spans.
ORGANISATION_AFTER = _words(
    """hub hospital centre center office council clinic surgery station hall school team branch
    bank mortgage mortgages services website app account card group loans finance insurance
    funding financial inc llc ltd limited plc corporation corp company bancorp lending credit
    servicing"""
)
PLACE_PREPOSITIONS = _words("in at near into outside around via towards across through")
TRAVEL_WORDS = _words(
    """flew fly flying moved move moving went go going goes drove drive driving travelled traveled
    travel travelling commute commuting relocated returned return back trip journey train bus
    visit visiting way came come comes is are was were originally"""
)

# After a title any capitalised word is a name ("Dr May", "Mrs Young") but these.
FUNCTION_WORDS = _words(
    """i the a an and but or so if when then there here this that it he she we they you my our his her
    their is was are were has have had will would could should can not no yes thank thanks please at
    in on of to from with for by as"""
)
# Surnames that are also the last word of places: a surname after a given name.
SURNAME_PLACE_WORDS = _words(
    "green hill hall wood ward lane banks fields field mills cross marsh brook brooks ford wells gates house "
    "church bridge bridges dale moor heath"
    # Surnames that are everyday words, after a familiar given name or a title: "Henry Day".
    " day west east north south page hope young white black brown king price bird fox lamb cook baker"
    " mason hunter long little moss rose bishop knight marsh head love noble lord frost snow winter stone"
    " wall bell fisher shepherd turner porter walker butler potter sharp sharpe fleming wells may"
    " park parks street rivers pool field"
    " smith taylor wright cooper carter parker chapman butt barber miller weaver tanner singer ball"
    " pierce rich grant power read reed mann cash gold silver steel iron salt sweet good best bush"
    " flowers fairy swan crane drake finch nightingale sparrow lamb bull steer hart buck hogg"
)
PERSON_NOUNS = _words(
    """someone somebody man woman lady gentleman guy bloke chap girl boy lad person fella one
    nurses doctors staff member"""
)
# Lexicons: comma-separated phrases of words (letters only: "self-harm" is "self harm",
# "Parkinson's" is "parkinson s"). A word ending in * matches any word it starts; a word
# starting with = must match exactly, capitals included ("=MS"). A phrase starting with
# ! is not a term even though a term starts it ("sick of waiting").
# Strong terms name a condition or an identity; a cue before them or just after ties
# them to a person. Weak terms are ordinary words that count only after a cue ("my
# operation", "our church").
LEXICON_TEXT = {
    "health": (
        """multiple sclerosis, motor neurone disease, parkinson, alzheimer, dementia, epilep*,
        seizure, seizures, stroke, strokes, heart attack, heart condition, heart disease,
        heart failure, heart problem, heart problems, cancer, tumour, tumours, tumor, leukaemia,
        lymphoma, chemo, chemotherapy, radiotherapy, diabetes, diabetic, asthma, asthmatic, copd,
        emphysema, arthritis, osteo*, lupus, crohn, crohns, colitis, coeliac, hepatitis, long covid,
        kidney disease, kidney failure, dialysis, cerebral palsy, spina bifida, muscular dystrophy,
        sickle cell, cystic fibrosis, fibromyalgia, chronic fatigue, chronic pain, chronic illness,
        chronic condition, long term condition, long term illness, long term health condition,
        chronically ill, depression, depressed, anxiety, panic attack, panic attacks, bipolar,
        schizophreni*, psychosis, psychotic, ptsd, post traumatic stress, ocd, adhd, autism,
        autistic, asperger, aspergers, dyslexia, dyslexic, dyspraxia, dyspraxic,
        learning disability, learning disabilities, learning difficulty, learning difficulties,
        eating disorder, anorexia, anorexic, bulimia, bulimic, self harm, self harming, suicide,
        suicidal, mental health, mental illness, breakdown, addict, addicted, addiction,
        alcoholic, alcoholism, alcohol problem, alcohol dependency, drug problem, drug addiction,
        drug habit, miscarriage, miscarried, stillbirth, ivf, infertile, infertility, menopause,
        menopausal, disabled, disability, disabilities, wheelchair, mobility scooter,
        mobility problems, mobility issues, crutches, walking stick, walking frame, zimmer frame,
        rollator, walking aid, walking aids, blind, partially sighted,
        visually impaired, sight loss, deaf, hard of hearing, hearing aid, hearing aids,
        hearing loss, terminal, terminally ill, palliative, antidepressant, antidepressants,
        insulin, diagnosis, diagnosed, diagnoses, hiv, =MS, =IBS, =PIP, =DLA, cfs, myalgic, insomnia,
        migraine, migraines, hip replacement, knee replacement, amputee, amputated, amputation,
        paralysed, paralysis, stoma, incontinent, incontinence, pregnant, pregnancy, sclerosis,
        syndrome, disorder, impairment, impaired, neurodivergent, cognitive decline, memory loss,
        lost my sight, lost my hearing, blood pressure, cholesterol, epidural, caesarean, c section,
        postnatal, postpartum, covid, coronavirus, in recovery, rehab, detox, methadone, relapse,
        relapsed, clean and sober, cutting myself, hearing voices,
        expecting a baby, my bump, bed wetting, wets the bed, my injections, injecting myself,
        my meds, on meds""",
        """medication, medicine, medicines, tablets, treatment, therapy, therapist, counselling,
        counsellor, psychiatrist, condition, illness, ill, unwell, sick, operation, injury,
        injuries, injured, symptoms, pain, bad back, health, carer, prescription, prescriptions,
        inhaler, recovery, hospital stay, scan, scans, x ray, blood test, blood tests, fracture,
        fractured, labour, op, !health care, !healthcare, !health service, !health services,
        !health centre, !health visitor,
        !sick of, !sick and tired, !health and safety, !broken promises, !broken system,
        !operation of, !in operation, !labour party, !labour government, !birth certificate,
        !ill informed, !ill advised, !pain in the""",
    ),
    "religion": (
        """muslim, muslims, islam, islamic, christian, christians, christianity, catholic, catholics,
        protestant, protestants, anglican, anglicans, methodist, methodists, baptist, baptists,
        evangelical, pentecostal, jewish, jew, jews, judaism, hindu, hindus, hinduism, sikh, sikhs,
        sikhism, buddhist, buddhists, buddhism, jain, jains, rastafarian, jehovah s witness,
        jehovahs witness, jehovah s witnesses, mormon, mormons, quaker, quakers, pagan, pagans,
        atheist, atheists, agnostic, humanist, humanists, mosque, synagogue, gurdwara, mandir,
        ramadan, eid, diwali, passover, hanukkah, shabbat, sabbath, bible, quran, qur an, koran,
        torah, hijab, niqab, burqa, turban, kippah, halal, kosher, imam, rabbi, vicar, priest,
        pastor, religious, religion, spiritual, born again, shahada, brethren, baptised, baptized,
        bar mitzvah, bat mitzvah, yom kippur, rosh hashanah, sukkot, purim, vaisakhi, navratri,
        guru nanak, amritdhari, salah, namaz, hajj, umrah, convert to islam,
        converted to islam, reverted to islam, tefillin, kirpan, kara, headscarf, head scarf,
        yarmulke, kippa, jilbab, abaya, rosary, prayer mat, cover my hair, keep kosher,
        keep halal, my faith, my church, my mosque, my temple, my synagogue""",
        """church, chapel, temple, parish, congregation, pray, prayer, prayers, praying, worship,
        worshipping, mass, god, believer, beliefs, fasting, faith, !faith in, !mass media,
        !church hall, !church halls""",
    ),
    "sexual_life": (
        """gay, lesbian, lesbians, bisexual, queer, homosexual, lgbt*, transgender,
        transsexual, non binary, nonbinary, asexual, pansexual, same sex, sexual orientation,
        sexuality, sex life, sexually, sexual health, came out as, come out as, coming out as,
        came out to, coming out to, =bi, gender identity,
        gender reassignment, transitioning, transitioned, intersex, sex worker, misgender*,
        deadname, deadnamed, deadnaming, my pronouns, they them pronouns, trans woman, trans man,
        gender clinic, gender dysphoria, in the closet, closeted, chlamydia, gonorrhoea, gonorrhea,
        syphilis, genital herpes, =STI, =STIs, sexually transmitted, =PrEP, sexual partner,
        sexual partners, open relationship, sell sex, selling sex, sold sex, slept with,
        an affair, two mums, two dads, sperm donor, my boyfriend and i, my girlfriend and i""",
        """sex, sexual, trans, came out, !sex education, !trans union, !came out of, !came out with,
        !came out on, !came out at, !came out to see, !came out to fix, !came out the,
        !came out as well, !came out and""",
    ),
    "ethnicity": (
        """black british, black caribbean, black african, black irish, black european, black woman,
        black women, black man, black men, black person, black people, black family, black heritage,
        black community, black lad, black girl, black boy, black mum, black dad, black mother,
        black father, black son, black daughter, white british, white irish, white european,
        white other, white woman, white man, white person, brown woman, brown man, brown person,
        brown skin, mixed race, mixed heritage, mixed ethnicity, mixed white, bame, bme,
        ethnic minority, ethnic minorities, ethnicity, race, racial, racially, racist, racism,
        pakistani, indian, bangladeshi, chinese, caribbean, african, somali, nigerian, ghanaian,
        arab, kurdish, turkish, polish, romanian, eastern european, gypsy, gypsies, traveller,
        travellers, roma, romany, latino, latina, hispanic, asian, jamaican, windrush, sri lankan,
        tamil, punjabi, gujarati, filipino, vietnamese, japanese, korean, afghan, syrian, iranian,
        iraqi, eritrean, sudanese, zimbabwean, congolese, cypriot, greek, albanian, kosovan,
        lithuanian, latvian, ukrainian, bulgarian, slovak, portuguese, moroccan, algerian,
        egyptian, ethiopian, kenyan, ugandan, yemeni, palestinian, nepali, bengali, sephardi,
        ashkenazi, yoruba, igbo, hausa, akan, ashanti, fulani, tigrayan, amhara, oromo, pashtun,
        hazara, baloch, sindhi, sinhalese, hmong, berber, amazigh, mizrahi, irish traveller, ethnic, heritage,
        skin colour,
        skin color, colour of my skin, =Black, =White, my skin, my afro, isn t white, not white,
        non white""",
        """black, white, brown, nationality, !white goods, !black mould, !black mold, !brown envelope""",
    ),
    "criminal": (
        """convicted, conviction, convictions, criminal record, criminal conviction, criminal offence,
        criminal damage, prison, jail, gaol, in custody, remanded, arrest, arrested, arrests,
        charged with, probation, parole, offence, offences, offender, offending, sentenced,
        police caution, cautioned, on bail, electronic tag, community service, community order,
        served time, drink driving, banned from driving, asbo, restraining order, domestic abuse,
        domestic violence, assault, assaulted, rape, raped, sexual assault, stalked, stalking,
        stalker, stabbed, drug dealer, drug dealing, dealing drugs, youth offending, crown court,
        magistrates, sex offender, sex offenders, =HMP, banged up, locked up, on remand,
        unpaid work, community payback, did time, doing time, young offenders, released on licence,
        pleaded guilty, found guilty, was inside, been inside, time inside, stretch inside,
        did a stretch, on licence, licence conditions, approved premises, my release,
        non molestation order, injunction against me, suspended sentence, my sentence, curfew,
        spent conviction, unspent, my dbs, dbs check, my record, a record,
        !no offence, !take offence, !took offence, !taken offence, !charged with fees""",
        """abused, abusive, violent, bail, !bail out, !bailed out""",
    ),
}

I_VERBS = _words(
    """am m was have ve had d got get suffer suffers suffered live lived struggle struggled use used
    need needed take took became become becoming been be developed contracted caught went go attend
    attended recovered recovering deal cope rely care manage fell started began experience
    experienced pray prayed worship identify identified came come grew converted practise practice
    follow belong served spent did do was were also still now just really have always never
    personally myself currently recently since being a an myself both too too wear wore wearing
    keep kept observe observed carry carried lay cover covered"""
)
