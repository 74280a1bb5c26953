"""The words a new Chorus starts with on its editable public pages, until an administrator edits them."""

# ruff: noqa: E501

ACCESSIBILITY_EN = """This accessibility statement applies to this website.

We want as many people as possible to be able to use it. For example, you should be able to:

- change colours, contrast levels and fonts using browser or device settings
- zoom in up to 400% without the text spilling off the screen
- navigate most of the website using a keyboard or speech recognition software
- listen to most of the website using a screen reader

## How accessible this website is

We test every public page against the Web Content Accessibility Guidelines (WCAG) version 2.2 AA standard with automated checks, and with people who use assistive technology.

## Feedback and contact information

If you need information on this website in a different format, like accessible PDF, large print, easy read, audio recording or braille, or you find a problem, contact the engagement team. We will consider your request and get back to you in 5 working days.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the [Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).

## Compliance status

This website is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard."""

ACCESSIBILITY_CY = """Mae'r datganiad hygyrchedd hwn yn berthnasol i'r wefan hon.

Rydym eisiau i gymaint o bobl â phosibl allu ei defnyddio. Er enghraifft, dylech allu:

- newid lliwiau, lefelau cyferbyniad a ffontiau gan ddefnyddio gosodiadau eich porwr neu ddyfais
- chwyddo hyd at 400% heb i'r testun ddisgyn oddi ar y sgrin
- symud o amgylch y rhan fwyaf o'r wefan gan ddefnyddio bysellfwrdd neu feddalwedd adnabod lleferydd
- gwrando ar y rhan fwyaf o'r wefan gan ddefnyddio darllenydd sgrin

## Pa mor hygyrch yw'r wefan hon

Rydym yn profi pob tudalen gyhoeddus yn erbyn safon AA Canllawiau Hygyrchedd Cynnwys y We (WCAG) fersiwn 2.2 gyda gwiriadau awtomatig, a gyda phobl sy'n defnyddio technoleg gynorthwyol.

## Adborth a gwybodaeth gyswllt

Os oes angen gwybodaeth ar y wefan hon arnoch mewn fformat gwahanol, fel PDF hygyrch, print bras, hawdd ei ddeall, recordiad sain neu braille, neu os dewch o hyd i broblem, cysylltwch â'r tîm ymgysylltu. Byddwn yn ystyried eich cais ac yn ymateb o fewn 5 diwrnod gwaith.

## Gweithdrefn orfodi

Mae'r Comisiwn Cydraddoldeb a Hawliau Dynol (EHRC) yn gyfrifol am orfodi Rheoliadau Hygyrchedd Cyrff y Sector Cyhoeddus (Gwefannau a Rhaglenni Symudol) (Rhif 2) 2018. Os nad ydych yn hapus â'r ffordd rydym yn ymateb i'ch cwyn, cysylltwch â'r [Gwasanaeth Cynghori a Chymorth Cydraddoldeb (EASS)](https://www.equalityadvisoryservice.com/).

## Statws cydymffurfio

Mae'r wefan hon yn cydymffurfio'n llawn â safon AA Canllawiau Hygyrchedd Cynnwys y We fersiwn 2.2."""

PRIVACY_EN = """This notice explains what personal data we collect when you take part in our engagement, why, and your rights.

## What we collect

- your name and contact details, if you give them
- your answers to consultations, surveys and feedback forms
- whether you came to our events and forums
- equality monitoring answers, if you choose to give them: these are kept apart from everything else and only ever reported as totals

## Why we collect it

We use it to understand what people think of our services and plans, to show what changed because of what people said, and to keep you informed if you asked us to. Our lawful basis is the performance of a task carried out in the public interest, or your consent where we ask for it.

## How long we keep it

We keep responses and contact details only as long as we need them, following our retention schedule, and then delete or anonymise them.

## Your rights

You can ask for a copy of the data we hold about you, ask us to correct it, or ask us to delete it. You can also complain to the [Information Commissioner's Office](https://ico.org.uk/)."""

PRIVACY_CY = """Mae'r hysbysiad hwn yn esbonio pa ddata personol rydym yn ei gasglu pan fyddwch yn cymryd rhan yn ein gwaith ymgysylltu, pam, a'ch hawliau.

## Beth rydym yn ei gasglu

- eich enw a'ch manylion cyswllt, os byddwch yn eu rhoi
- eich atebion i ymgynghoriadau, arolygon a ffurflenni adborth
- a ddaethoch i'n digwyddiadau a'n fforymau
- atebion monitro cydraddoldeb, os byddwch yn dewis eu rhoi: caiff y rhain eu cadw ar wahân i bopeth arall a dim ond fel cyfansymiau y cânt eu hadrodd

## Pam rydym yn ei gasglu

Rydym yn ei ddefnyddio i ddeall beth mae pobl yn ei feddwl o'n gwasanaethau a'n cynlluniau, i ddangos beth newidiodd oherwydd yr hyn a ddywedodd pobl, ac i roi gwybod i chi os gofynnoch i ni wneud hynny. Ein sail gyfreithlon yw cyflawni tasg er budd y cyhoedd, neu eich caniatâd pan fyddwn yn gofyn amdano.

## Am ba hyd rydym yn ei gadw

Rydym yn cadw ymatebion a manylion cyswllt dim ond cyhyd ag y mae eu hangen arnom, yn unol â'n hamserlen cadw, ac yna'n eu dileu neu'n eu gwneud yn ddienw.

## Eich hawliau

Gallwch ofyn am gopi o'r data sydd gennym amdanoch, gofyn i ni ei gywiro, neu ofyn i ni ei ddileu. Gallwch hefyd gwyno i [Swyddfa'r Comisiynydd Gwybodaeth](https://ico.org.uk/)."""

DEFAULTS = {
    "accessibility": ("Accessibility statement", ACCESSIBILITY_EN, "Datganiad hygyrchedd", ACCESSIBILITY_CY),
    "privacy": ("Privacy notice", PRIVACY_EN, "Hysbysiad preifatrwydd", PRIVACY_CY),
}
