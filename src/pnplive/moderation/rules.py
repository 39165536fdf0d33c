# ruff: noqa: E501  (pattern tables read best one alternative per line, however long)
"""The rules classifier: fast, always on, explainable, English and Spanish.

Each rule is a named pattern over one view of the normalised text (``normalise.py``), with the
category, decision and score it gives. A rule may need a second pattern to match too (``also``:
"sell" near a drug name) or be silenced by one (``unless``: "my son is 8 years old"). A finding's
reason names the rule and quotes what it matched, so an admin sees why.

Vocabularies are written one alternative (a regular expression) per line, matched as whole words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.classifier import Finding, Verdict
from pnplive.moderation.normalise import Normalised, normalise

View = Literal["plain", "words", "compact"]


@dataclass(frozen=True)
class Rule:
    name: str
    category: Category
    decision: Decision
    score: float
    pattern: re.Pattern[str]
    view: View = "words"
    also: re.Pattern[str] | None = None  # must match too (on ``words``)
    unless: re.Pattern[str] | None = None  # silences the rule (on ``words``)

    def match(self, text: Normalised) -> str | None:
        found = self.pattern.search(getattr(text, self.view))
        if found is None:
            return None
        if self.also is not None and self.also.search(text.words) is None:
            return None
        if self.unless is not None and self.unless.search(text.words) is not None:
            return None
        return found.group(0)


def words(block: str) -> str:
    """One alternative per line (blank lines and ``#`` lines skipped), matched as whole words."""
    alternatives = [
        line.strip()
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# --- vocabularies shared by several rules -------------------------------------------------------

# sexual words; and, next to an age under 18, the words of a call or a show as well
EXPLICIT = words(r"""
    naked
    nudes?
    sex\w*
    horny
    dick
    cock
    puss(?:y|ies)
    boobs?
    tits?
    cum
    masturbat\w*
    jerk(?:ing)? off
    strip\w*
    undress\w*
    show (?:me )?(?:her|his|your) body
    private parts
    desnud[oa]s?
    cachond[oa]s?
    verga
    polla
    tetas?
    coño
    chup\w+
    foll\w+
    tocar(?:se|la|lo)
    packs?
    encuerad\w*
    porn\w*
    xxx
""")
SHOW = words(r"""
    caliente
    hot
    show
    cams?
    en camara
    en cámara
    videollamada
    llamada
    calls?
    encuentro
    fotos?
    pics?
    videos?
    watch
    join
    camera
    camara
    cámara
    see what you do
""")
SEXUAL = EXPLICIT + "|" + SHOW
CHILD = words(r"""
    kids?
    child(?:ren)?
    little (?:girl|boy)s?
    young (?:girl|boy)s?
    niñ[oa]s?
    nenas?
    nenit[oa]s?
    chiquit[oa]s?
    menores?
    peque(?:ñ|n)[oa]s?
    colegiala
    schoolgirl
    preteens?
    pre teens?
    minors?
    underage
""")
FAMILY_OR_THINGS = words(r"""
    son
    daughter
    kids?
    child
    nephew
    niece
    brother
    sister
    hij[oa]s?
    sobrin[oa]s?
    herman[oa]s?
    dog
    cat
    puppy
    perr[oa]s?
    gat[oa]s?
    car
    carro
    coche
    laptop
    phone
    celular
    relationship
    account
    cuenta
    company
    empresa
    married
    casad[oa]s?
    job
    trabajo
    business
    negocio
    sobriety
    sober
    clean
    limpi[oa]
""")
UNDER_18 = (
    r"(?:1[0-7]|[1-9]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|diez|once|"
    r"doce|trece|catorce|quince|dieci ?seis|dieci ?siete)"
)
# what a number followed by these is: a time, a price, a duration, a height ...
NOT_AN_AGE = (
    r"(?!\s*(?:min\w*|:|am\b|pm\b|h\b|hrs?\b|hours?|horas?|usd|\$|dollars?|dolares|"
    r"pesos|euros?|%|k\b|cm|inch\w*|pulgadas|pies|feet|ft|mil\b|veces|times|x\b|"
    r"more|mas|mins|segundos|seconds|o'?clock|de la|del|en punto|stars|estrellas))"
)
TRADE = words(r"""
    sell\w*
    sale
    buy\w*
    bought
    deliver\w*
    plug
    dealer
    supply
    supplier
    order
    per gram
    grams?
    gr
    bags?
    8 ?ball
    eight ball
    ounce
    oz
    prices?
    vend\w*
    compr\w*
    entreg\w*
    domicilio
    gramos?
    bolsas?
    onzas?
    precios?
    a cuanto
    cuanto (?:cuesta|vale)
    consigo
    conseguir
    get you some
    hook you up
    menudeo
    envios?
    shipping
    ship
    i got
    got
    tengo
    te (?:mando|envio|paso|consigo|traigo)
    i can ship
    ship you
    have some
    traigo
    bring
""")
DRUGS = words(r"""
    coke
    c[o0]k[e3]
    cocaine
    cocaina
    coca
    perico
    blow
    tus[sh]?i
    tucibi
    2cb
    molly
    mdma
    ecstasy
    extasis
    éxtasis
    meth
    tina
    crystal
    cristal
    ice
    chems?
    ghb
    gbl
    ketamin[ae]
    keta
    special k
    heroin[ae]?
    fentanyl
    fentanilo
    crack
    lsd
    acid
    shrooms
    hongos
    xanax
    oxy\w*
    percs?
    percocet
    adderall
    rivotril
    clonazepam
    mephedrone
    mefedrona
    pills
    pastillas
    pepas
    weed
    marihuana
    mota
    cripy
    creepy
""")
WEAPONS = words(r"""
    guns?
    pistols?
    glock
    rifles?
    ar ?15
    ammo
    bullets
    firearms?
    armas?
    pistolas?
    municion\w*
    balas
    revolver
    fierro
    ghost gun
    silencer
    silenciador
""")
CONTACT_APPS = words(r"""
    whats ?app
    whatsap
    wsp
    wpp
    wasap
    guasap
    whats
    wa
    telegram
    tg
    signal
    snap(?:chat)?
    insta(?:gram)?
    ig
    kik
    skype
    facebook
    fb
    messenger
    twitter
    tiktok
    discord
    wickr
    viber
    onlyfans
    only fans
    fansly
    zoom
    facetime
    hangouts
    threema
    grindr
    scruff
    tinder
""")
CONTACT_INTENT = words(r"""
    add me
    text me
    message me
    msg me
    hit me up
    dm me
    dm
    find me
    follow me
    reach me
    call me
    contact me
    talk (?:on|in|by|over)
    you on
    u on
    you have
    u have
    you got
    do you use
    tienes
    tenes
    usas
    escribe\w*
    agrega\w*
    añade\w*
    anade\w*
    manda\w*
    habla\w*
    contacta\w*
    busca\w*
    sigue\w*
    llama\w*
    pasame
    pasas
    pasa tu
    pasar(?:me|te)
    dame
    let'?s (?:move|go|switch|continue|talk|chat)
    move (?:this|it|to)
    switch to
    continue on
    over on
    outside
    seguimos
    sigamos
    hablemos
    vamos a
    por fuera
    username
    usuario
    handle
    link
    enlace
""")
PAY_APPS = words(r"""
    venmo
    cash ?app
    zelle
    pay ?pal
    nequi
    davi ?plata
    bizum
    mercado ?pago
    western union
    money ?gram
    oxxo
    revolut
    wise
    skrill
    apple pay
    google pay
    gpay
    transferencia
    transfiere\w*
    bank transfer
    wire transfer
    wire
    deposito
    consignacion
    consigna\w*
    bancolombia
    spei
    clabe
    iban
    yape
    plin
    usdt
    btc
    bitcoin
    eth
    ethereum
    binance
    crypto
    cripto
    wallet
    billetera
    efectivo
    cash
""")
PAY_INTENT = words(r"""
    pay (?:me|you)
    send (?:me|it)
    send \d+
    paying
    i'?ll pay
    te pago
    pagame
    pagarte
    pagarme
    me pagas
    me mandas
    mandame
    envia\w*
    envíame
    te paso
    por fuera
    afuera
    fuera de la app
    outside
    off (?:the )?(?:app|platform|site)
    directly
    directo
    directamente
    cheaper
    mas barato
    cobro menos
    discount
    descuento
    skip the (?:app|fees?)
    skip the app
    no fees?
    sin comision
    evita\w* (?:la )?comision
    avoid (?:the )?fees?
    to my
    a mi
    (?:my|mi) \w+ (?:is|es)
    deposit
    consign\w*
    instead
    nos saltamos
    we skip
""")
OWN_DOMAINS = r"(?:pnplive\.(?:com|app|co))"
# "my whatsapp is full of work chats" talks about the app; "my insta is luna_xo" gives a contact
NOT_AN_ID = (
    r"(?!\s*(?:full|lleno|llena|broken|down|dead|slow|lento|lenta|roto|rota|blowing|acting|"
    r"hacked|hackead[oa]|private|privad[oa]|not|no|so|muy|tan|always|siempre|off|on|out|"
    r"bugging|crashing|a mess|un desastre|muert[oa]|caid[oa]|open|abiert[oa]|the same|el mismo|"
    r"also|tambien|too|just|solo|only|for|para|where|donde|how|como|like|ok|fine|bien|mal|"
    r"empty|vaci[oa]|new|nuev[oa]|old|viej[oa])\b)"
)


def _rules() -> list[Rule]:
    r: list[Rule] = []

    def add(
        name: str,
        category: Category,
        decision: Decision,
        score: float,
        pattern: str,
        view: View = "words",
        also: str | None = None,
        unless: str | None = None,
    ) -> None:
        compiled = (re.compile(p) if p else None for p in (also, unless))
        r.append(Rule(name, category, decision, score, re.compile(pattern), view, *compiled))

    M, NC, V, H = Category.MINORS, Category.NON_CONSENT, Category.VIOLENCE, Category.HARASSMENT
    SH, IG = Category.SELF_HARM, Category.ILLEGAL_GOODS
    OP, SP = Category.OFF_PLATFORM, Category.SPAM
    B, HO = Decision.BLOCK, Decision.HOLD

    # fmt: off
    # --- minors ---------------------------------------------------------------------------
    # "años" alone is often a span of time ("hace 5 años"), so Spanish ages need a verb or "de"
    age_in_years = (
        r"\b" + UNDER_18 + r"\s*(?:yo|y o|years? old|yrs? old|year old)\b"
        r"|\b(?:tengo|tiene|tienes|tenia|de|cumpl\w*|con) (?:solo |apenas )?" + UNDER_18
        + r"\s*(?:a[nñ]os|añitos|anitos)\b"
    )
    add("minors.stated_age", M, B, 0.95,
        r"\b(?:i'?m|i am|im|am|she'?s|he'?s|she is|he is|turned|turning|just turned|cumpli|"
        r"cumplo|acabo de cumplir|voy a cumplir)\s+(?:only |just |solo |apenas |like )?"
        + UNDER_18 + r"\b" + NOT_AN_AGE,
        unless=FAMILY_OR_THINGS)
    add("minors.age_in_years", M, B, 0.95, age_in_years, unless=FAMILY_OR_THINGS)
    add("minors.family_age_sexual", M, B, 0.9, age_in_years, also=SEXUAL)
    add("minors.tengo_age", M, B, 0.9,
        r"\b(?:tengo|tiene|tienes) (?:solo |apenas )?" + UNDER_18
        + r"(?=\s*(?:$|pero\b|y\b|jeje|jaja|lol|xd|no le|porfa))",
        unless=FAMILY_OR_THINGS)
    add("minors.third_party_age", M, B, 0.9,
        r"\b(?:is|es|tiene|she'?s|he'?s|turned)\s+(?:only |just |solo |apenas )?"
        + UNDER_18 + r"\b" + NOT_AN_AGE,
        also=SEXUAL)
    add("minors.is_a_minor", M, B, 0.9, words(r"""
        (?:i'?m|i am|im|soy) (?:a |un |una )?(?:minor|menor)(?! (?:issue|bug|detail|change|problem|thing|shareholder|que))
    """))
    add("minors.a_minor_sexual", M, B, 0.9, words(r"""
        (?:una|un|a|with a|con una?) (?:menor|minor)
    """), also=SEXUAL, unless=words(r"minor (?:issue|bug|detail|change|problem|thing)"))
    add("minors.relative_age_sexual", M, B, 0.9,
        r"\b(?:hij[oa]|hijastr[oa]|sobrin[oa]|herman[oa]|prim[oa]|daughter|son|niece|nephew|"
        r"step ?daughter|step ?son|friend|amig[oa]|cousin|sister|brother)(?:'s)? (?:de |is |es |tiene |who is |que tiene )?"
        + UNDER_18 + r"\b" + NOT_AN_AGE,
        also=SEXUAL)
    add("minors.explicit_words", M, B, 0.95, words(r"""
        underage
        under age
        menor(?:es)? de edad
        jailbait
        lolis?
        lolita
        shota\w*
        pedo\w*
        child porn\w*
        cp
        pornografia infantil
        preteens?
        pre teens?
        not 18 yet
        not eighteen
        no tengo 18
        aun no tengo 18
        todavia no tengo 18
        under 18
        menos de 18
        not legal yet
        barely 1[0-7]
    """), unless=words(r"""
        no (?:underage|minors|menores)
        18\+ only
        solo mayores
        adults only
        no one under 18
        nadie menor
        not allowed
        prohibid\w*
    """))
    add("minors.under_age_limit", M, B, 0.9, words(r"""
        (?:menor(?:es)?|menos) de (?:1[0-7]|[1-9])
        under (?:1[0-7]|[1-9])
        younger than (?:1[0-7]|[1-9])
    """), unless=words(r"""
        (?:menos|under) de? (?:1[0-7]|[1-9]) (?:min\w*|dolares|dollars|usd|pesos|euros|horas|hours|h)
    """))
    add("minors.in_school_grade", M, B, 0.85, words(r"""
        (?:i'?m|i am|im|estoy|voy) (?:in|en) (?:the )?(?:[1-9]|1[01])(?:th|st|nd|rd)? grade
        (?:i'?m|i am|im|estoy|voy) (?:in|en) (?:sexto|septimo|séptimo|octavo|noveno|decimo|décimo|[6-9]o) (?:grado)?
        (?:i'?m|i am|im|estoy|voy) (?:in|en) (?:middle school|junior high|la secundaria|el colegio)
    """))
    add("minors.school", M, HO, 0.7, words(r"""
        middle school
        junior high
        [6-9]th grade
        1[01]th grade
        secundaria
        el colegio
        al colegio
        del colegio
        mi profe
        my teacher
        my mom (?:doesn'?t|won'?t) (?:know|let)
        mi mama no (?:sabe|me deja)
        after school
        despues del cole
    """), unless=words(r"""
        years ago
        hace \w+ a[nñ]os
        back in
        cuando (?:era|estaba)
        when i was
        used to
    """))
    add("minors.child_on_call", M, B, 0.9, words(r"""
        (?:bring|brings|traer|traiga|traigas|with|con) (?:a |an |un |una |my |mi |your |tu )?(?:kid|child|niñ[oa]|menor|little (?:girl|boy))
        (?:kids?|child(?:ren)?|niñ[oa]s?|menor(?:es)?) (?:on|in|en|a|to|into) (?:the |la |el |our |nuestra )?(?:call|cam|camera|show|llamada|camara|cámara|videollamada)
        (?:pics?|photos?|fotos?|videos?|content|contenido|packs?) (?:of|de) (?:little |young |small |peque(?:ñ|n)[oa]s )?(?:girls?|boys?|kids?|children|niñ[oa]s?|nenas?|nenit[oa]s?|menores)
    """), unless=words(r"""
        no (?:kids|children|niños|menores|minors)
        without (?:the )?kids
        sin (?:los )?niños
    """))
    add("minors.child_sexual", M, B, 0.9, CHILD, also=EXPLICIT, unless=words(r"""
        no (?:kids|children|niños|menores|minors)
        without (?:the )?kids
        kids are (?:asleep|sleeping|at school)
        sin (?:los )?niños
        my kids?
        mis hij\w+
        los niños ya
        niños dormidos
    """))
    add("minors.young_looking", M, HO, 0.6, words(r"""
        look(?:s|ing)? (?:very |really )?young(?:er)?
        parece(?:s)? (?:de )?(?:una )?ni[nñ]\w*
        look(?:s)? (?:like )?(?:you'?re|she'?s|he'?s|you are) (?:1[0-7]|[1-9])
        pareces? menor
        teens?
        schoolgirl
        colegiala
        school uniform
        uniforme escolar
    """), unless=words(r"""
        1[89]
        2\d
        over 18
        mayor de edad
        adult
    """))

    # --- non-consent ----------------------------------------------------------------------
    add("non_consent.drugging", NC, B, 0.95, words(r"""
        roofie\w*
        rohypnol
        burundanga
        escopolamina
        (?:slip|put|spike|drop)\w* (?:something|a pill|some\w*|it|ghb|g) in (?:her|his|their|your) drink
        spike\w* (?:her|his|their|your) drink
        (?:meter|poner|echar)(?:le)? (?:una pastilla|algo|droga\w*|unas gotas) (?:en|a) (?:la|su) (?:bebida|trago|copa)
        drug (?:her|him|them)
        drogarl[ao]
        echar(?:le)? algo (?:en|a) (?:la|su) bebida
        poner(?:le)? algo en (?:la|su) bebida
    """))
    add("non_consent.incapacitated", NC, B, 0.9, words(r"""
        (?:while|when) (?:she'?s|he'?s|she is|he is|they'?re|you'?re) (?:asleep|sleeping|passed out|unconscious|blacked out|too drunk|wasted)
        mientras (?:esta|duerme|está) (?:dormid[oa]|inconsciente|borrach[oa])
        (?:dormid[oa]|inconsciente|desmayad[oa]) (?:y|para)
        too drunk to (?:say no|know|consent)
        no se va a dar cuenta
        won'?t (?:even )?(?:notice|remember)
    """))
    add("non_consent.incapacitated_shown", NC, B, 0.9, words(r"""
        asleep
        sleeping
        passed out
        unconscious
        blacked out
        dormid[oa]
        inconsciente
        desmayad[oa]
    """), also=words(r"""
        show you
        want to see
        wanna see
        te la muestro
        te lo muestro
        quieres verla
        quieres verlo
        naked
        desnud\w*
        her body
        his body
        on cam
        en camara
        en cámara
        camera
        camara
        cámara
    """))
    add("non_consent.hidden_camera", NC, B, 0.9, words(r"""
        (?:she|he|they) (?:doesn'?t|don'?t|does not) know (?:the )?(?:camera|cam|call)
        (?:doesn'?t|don'?t|does not|no) (?:know|sabe) (?:that )?(?:i'?m|que (?:te )?estoy) (?:showing|recording|streaming|filming|mostrando|grabando|transmitiendo)
        no sabe que (?:la )?(?:camara|cámara|llamada)
        hidden cam\w*
        camara oculta
        cámara oculta
        spy cam\w*
    """))
    add("non_consent.secret_recording", NC, B, 0.9, words(r"""
        record\w*
        screen ?record\w*
        screenshot\w*
        captur\w*
        grab\w*
        film\w*
        tape
    """), also=words(r"""
        without (?:her|him|them|you|your) (?:knowing|consent|permission|noticing)
        secretly
        in secret
        behind (?:her|his|your) back
        sin que (?:se )?(?:sepa|sepas|de cuenta|des cuenta|dé cuenta|dés cuenta|entere|enteres)
        a escondidas
        sin (?:su|tu) permiso
        sin permiso
        sin que lo sepa
        won'?t know
        no se entera
        she won'?t
        he won'?t
        didn'?t notice
        without asking
        sin preguntar
        no te diste cuenta
        ni cuenta te diste
    """))
    add("non_consent.leak", NC, B, 0.95, words(r"""
        (?:leak|post|share|send|spread|upload|publish|expose)\w* (?:your|her|his|their|all your|tus|sus) (?:nudes|pics|photos|videos?|fotos|recordings?|content)
        (?:publicar|subir|filtrar|mandar|enviar|compartir|difundir)(?:e)? (?:tus|sus) (?:fotos|videos?|nudes|packs?|grabacion\w*)
        (?:publi|sub|filtr|mand|envi|compart|difund)\w* (?:todos )?(?:tus|sus) (?:fotos|videos?|nudes|packs?|grabacion\w*)
        (?:everyone|todos|tu familia|your family|your boss|tu jefe) (?:will|va a|van a) (?:see|ver)
        revenge porn
        porno de venganza
        send (?:them|it) to your (?:family|boss|wife|husband)
        mandarselo a tu (?:familia|jefe|esposa|esposo)
        (?:screenshots?|capturas?|recordings?|grabaciones|fotos|pics|videos?)\b.{0,60}\b(?:to|a) (?:your|tu|tus) (?:family|familia|boss|jefe|wife|husband|esposa|esposo|friends|amigos|work|trabajo)
    """), unless=words(r"""
        (?:sube|subir|manda|mandar|envia|enviar|comparte|compartir) (?:tus|sus) fotos (?:al|a tu|en tu) perfil
    """))
    add("non_consent.force", NC, B, 0.9, words(r"""
        even if (?:she|he|you|they) (?:says?|said) no
        even though (?:you|she|he|they) (?:said|told me) (?:no|not to)
        aunque (?:me |le )?(?:dijiste|dijo|digas|diga|dijeron) que no
        can'?t say no
        unable to say no
        no pueda(?:s|n)? decir que no
        aunque (?:diga|digas|dijo) que no
        no means yes
        she said no but
        he said no but
        force (?:her|him|you|them)
        forc(?:ed|ing) (?:her|him|you|them)
        a la fuerza
        obligarl[ao]s?
        obligarte
        quieras o no
        whether you want (?:to )?or not
        like it or not
        rape\w*
        viola(?:r|rte|rla|rlo|cion|da)
        no (?:le )?(?:voy a|vas a) (?:pedir|preguntar) permiso
        don'?t need (?:her|his|your) (?:consent|permission)
        sin su consentimiento
        without (?:her|his|their) consent
    """), unless=words(r"""
        consensual (?:roleplay|non ?consent)
        cnc roleplay
        safe ?word
        palabra de seguridad
    """))

    # --- violence and threats ------------------------------------------------------------
    add("violence.threat_to_kill_or_hurt", V, B, 0.95, words(r"""
        (?:i'?ll|i will|i'?m gonna|i am gonna|im gonna|gonna|going to|i'?m going to|i swear i'?ll|i could|i want to|wanna) (?:kill|murder|stab|shoot|hurt|beat|strangle|choke|slap|punch|burn|end|destroy|find|hunt|break) (?:you|u|ya|her|him|them|your (?:face|legs|neck|family|life))
        (?:i'?ll|i will|gonna|going to) burn (?:your|ur) (?:house|place|car|home|apartment)
        te voy a (?:matar|pegar|apuñalar|apunalar|disparar|golpear|romper|partir|quemar|buscar|encontrar|cazar|destruir|hacer (?:daño|dano|mierda))
        te (?:mato|pego|parto|rompo|quemo|disparo|apuñalo|apunalo|reviento|busco y te)
        (?:kill|hurt|poison|matar\w*|envenenar\w*) (?:your|tu|al|a tu) (?:dog|cat|perro|gato|family|familia|mom|mama|kids|hijos)
        smash your face
        break your (?:face|neck|legs|arms)
        voy a (?:matarte|matarla|matarlo|golpearte|pegarte|buscarte|encontrarte|destruirte)
        vas a (?:morir|ver lo que te pasa|pagarlo caro|arrepentirte)
        you(?:'re| are) (?:gonna|going to) (?:die|regret|pay for)
        you(?:'re| are) dead
        estas muert[oa]
        eres (?:hombre|mujer) muert[oa]
    """))
    add("violence.knows_where", V, B, 0.9, words(r"""
        i know where you (?:live|work|sleep)
        i know your (?:real name|street|address|house|workplace|family)
        se tu (?:nombre real|calle|direccion|casa)
        (?:i'?m|estoy) (?:outside|afuera de|fuera de|in front of|frente a) (?:your|tu) (?:building|house|home|door|work|edificio|casa|puerta|trabajo)
        se (?:donde|dónde) (?:vives|trabajas|duermes)
        i'?ll (?:come to|show up at|find) your (?:house|home|place|work|door)
        (?:voy|ire|iré) a tu (?:casa|trabajo)
        tengo tu direccion
        i have your address
        i found your address
        encontre tu direccion
        watch your back
        cuidate la espalda
        cuida tu espalda
        sleep with one eye open
    """))
    add("violence.veiled_threat", V, HO, 0.6, words(r"""
        better pray
        better watch (?:out|yourself)
        you'?ll see what happens
        ten cuidado conmigo
        ojo con lo que haces
        ya veras lo que
        no sabes con quien te metes
        you don'?t know who you'?re messing with
        que te conozco
        this isn'?t over
        esto no se queda asi
    """))
    add("violence.dox", V, B, 0.9, words(r"""
        dox\w*
        (?:post|publish|leak|share)\w* your (?:address|real name|location|phone|number)
        (?:publicar|filtrar|compartir) tu (?:direccion|nombre real|ubicacion|numero)
    """))
    add("violence.weapons_threat", V, B, 0.85, words(r"""
        bomb\w*
        bomba
        shoot up
        mass shooting
        balacera
        tiroteo
        acid (?:in|on) your face
        acido en la cara
    """), unless=words(r"""
        bombshell
        da bomb
        la bomba
        bomba de chocolate
        photobomb\w*
    """))

    # --- harassment and hate -------------------------------------------------------------
    add("harassment.slur", H, B, 0.95, words(r"""
        fagg?[oi]ts?
        fags?
        trann(?:y|ies)
        n[i]gg(?:er|a|as|ers|uh)s?
        retards?
        retarded
        dykes?
        spics?
        kikes?
        chinks?
        wetbacks?
        beaners?
        towel ?heads?
        shemales?
        maric[oa]n(?:es)?
        mariposon
        travelos?
        sudacas?
        jot[oa]s?
        negr[oa]s? de mierda
        indi[oa]s? de mierda
        veneco\w*
        machorra
        tortillera
        simios?
    """))
    add("harassment.hate", H, B, 0.9, words(r"""
        (?:(?:all|todos los|todas las|those|esos|esas) )?(?:gays?|gay people|jews?|judios|blacks?|black people|negros|immigrants?|inmigrantes|mexicans?|mexicanos|venezolan[oa]s|colombian[oa]s|muslims?|musulmanes|trans people|trans|women|mujeres|latinos?) (?:should|deberian|deben|must|are|son) (?:die|morir|be killed|ser eliminad\w*|scum|basura|animals|animales|plaga|vermin|disgusting|asquerosos|sick|enfermos|abominations?|una abominacion)
        go back to your (?:country|shithole)
        go back to (?:mexico|africa|colombia|venezuela|china|your cave)
        (?:you people|your kind|ustedes|los de tu clase) (?:are|son) (?:subhuman|infrahumanos|vermin|cockroaches|cucarachas|animals|animales|una plaga|plaga|rats|ratas)
        subhuman
        infrahumano\w*
        vuelve(?:te)? a tu (?:pais|país|mierda de pais)
        heil hitler
        white power
        gas the
    """))
    add("harassment.kill_yourself", H, B, 0.95, words(r"""
        kill (?:your ?self|urself)
        kys
        go die
        matate
        suicidate
        ojala te mueras
        ojalá te mueras
        i hope you die
        hope you die
        nobody would miss you
        nadie te (?:va a )?extrañar\w*
        muerete
        you should die
        deberias morir
        do everyone a favou?r and die
    """))
    add("harassment.insult", H, HO, 0.6, words(r"""
        (?:you(?:'?re| are)|u r|ur|eres|sos|you|you fucking|you stupid|pinche|maldit[oa]) (?:a |an |una |un |such a |so |tan |re )?(?:ugly|fat|stupid|dumb|idiot|worthless|disgusting|pathetic|loser|whore|slut|bitch|cunt|trash|garbage|pig|cow|fea|feo|gord[oa]|estupid[oa]|idiota|imbecil|asqueros[oa]|perdedor[a]?|zorra|puta|perra|inutil|basura|cerd[oa]|vaca|mierda|bastard|piece of shit|pedazo de mierda|escoria|scum|freak|psycho|retrasad[oa]|subnormal|gilipollas|pendej[oa]|malparid[oa]|hijueputa|hp|naca|naco|corriente|vieja)
        fuck (?:you|off|u)
        stfu
        (?:dumb|stupid|useless|worthless|inutil|estupida|tonta) (?:slut|whore|bitch|cunt|zorra|puta|perra)
        (?:what a|que|qué) (?:dumb |stupid |useless |tonta |inutil )?(?:slut|whore|bitch|cunt|zorra|puta|perra)
        fuck(?:ing)? (?:bitch|whore|slut|cunt)
        vete a la mierda
        chinga tu madre
        hij[oa] de puta
        hdp
        malparid[oa]
        gonorrea
        hijueputa
        pendej[oa]
        gilipollas
        shut up
        callate
        cállate
        stupid (?:bitch|cow|whore|slut)
        nobody likes you
        nadie te quiere
        piece of shit
        pedazo de mierda
        perra (?:asquerosa|barata|de mierda)
        cheap whore
        puta barata
        dirty (?:whore|slut)
        shit (?:performer|model)
    """), unless=words(r"""
        call me (?:a |your )?(?:whore|slut|bitch|puta|perra|zorra)
        soy tu (?:puta|perra|zorra)
        i'?m your (?:whore|slut|bitch)
        dime (?:puta|perra|zorra)
        your (?:good )?(?:slut|whore|bitch)
    """))
    add("harassment.persistent", H, HO, 0.5, words(r"""
        answer me
        why (?:are you|r u) ignoring me
        contestame
        contéstame
        por que me ignoras
        no me ignores
        don'?t ignore me
    """), also=words(r"""
        bitch
        puta
        perra
        zorra
        whore
        or else
        o si no
        you'?ll regret
        te vas a arrepentir
        now
        ya
    """))

    # --- self-harm ------------------------------------------------------------------------
    add("self_harm.intent", SH, HO, 0.85, words(r"""
        kill myself
        killing myself
        overdos\w*
        sobredosis
        goodbye (?:letters?|notes?)
        cartas? de despedida
        (?:everyone|everybody|they) would be (?:better|happier) (?:off )?(?:if i was gone|without me)
        (?:todos|todo el mundo) (?:estarian|estarían) mejor (?:si yo no estuviera|sin mi|sin mí)
        better off without me
        mejor sin mi
        (?:razor|blade|cuchilla|navaja)\b.{0,40}\b(?:use it|using it|usarla|usarlo|cut|cortar)
        standing on the (?:roof|ledge|bridge)
        (?:en|on) la azotea ahora
        no reason to keep going
        no (?:le )?veo sentido a seguir
        no point (?:in )?going on
        end(?:ing)? (?:it all|my life|things)
        jump(?:ing)? off (?:a|the) (?:bridge|roof|building)
        tirarme (?:del|de un|por la) (?:puente|edificio|ventana|techo)
        all (?:my|the) pills
        todas (?:mis|las) pastillas
        quisiera estar muert[oa]
        no point in living
        sin sentido vivir
        no tiene sentido vivir
        no quiero despertar
        me (?:quiero |voy a )?(?:hacer|hice) da[nñ]o
        me volvi a cortar(?! el| las| la| los| mi)
        (?:my )?life is (?:worthless|pointless|meaningless)
        mi vida no vale nada
        want (?:it all|it|everything) to stop forever
        take my (?:own )?life
        suicid\w*
        want to die
        wanna die
        wish i was dead
        wish i were dead
        better off dead
        no reason to live
        don'?t want to (?:live|be alive|wake up)
        cut(?:ting)? myself
        hurt(?:ing)? myself
        self ?harm\w*
        overdos\w* on purpose
        matarme
        suicidarme
        quitarme la vida
        quiero morir\w*
        me quiero morir
        no quiero (?:seguir )?vivir
        acabar con (?:todo|mi vida)
        hacerme da[nñ]o
        cortarme
        autolesi\w*
        mejor muert[oa]
        desaparecer para siempre
        no aguanto mas vivir
        nadie me extrañaria
        nobody would miss me
        this is my goodbye
        esta es mi despedida
        last message before i
    """), unless=words(r"""
        kill myself laughing
        me muero de risa
        me muero de ganas
        dying to
        muero por
        died laughing
        de risa
    """))

    # --- illegal goods -------------------------------------------------------------------
    add("illegal_goods.drugs_trade", IG, B, 0.9, DRUGS, also=TRADE, unless=words(r"""
        no drugs
        sin drogas
        drug free
        don'?t (?:do|use|sell) drugs
        no (?:uso|vendo|consumo)
        quit
        dej[eé] (?:la|las|el|de)
        recovery
        rehab
        sober
        ice cream
        crystal clear
        coca ?cola
        iced
        on ice
        hielo
        acid reflux
    """))
    add("illegal_goods.drug_slang", IG, B, 0.85, words(r"""
        (?:sells?|selling|vende|vendo|venden|plug for|contacto para|dealer de|need some|busco) (?:g|k|t|tina|keta|tusi|coca|perico)
    """))
    add("illegal_goods.weapons_trade", IG, B, 0.9, WEAPONS, also=TRADE, unless=words(r"""
        water gun
        pistola de agua
        nerf
        toy
        juguete
        video ?game
        videojuego
        call of duty
        fortnite
    """))
    add("illegal_goods.fraud_goods", IG, B, 0.95, words(r"""
        fake (?:ids?|passports?|documents?|diplomas?|licen[cs]e)
        (?:ids?|pasaportes?|cedulas?|documentos|licencias?) fals[oa]s?
        cloned cards?
        tarjetas? clonadas?
        clonar tarjetas?
        cvvs?
        dumps (?:with|and) pin
        carding
        stolen (?:cards?|accounts?|credit cards?|identit\w+)
        cuentas robadas
        tarjetas robadas
        counterfeit\w*
        billetes falsos
        fake (?:money|bills)
        dinero falso
        hacked accounts?
        cuentas hackeadas
    """))
    add("illegal_goods.prescription", IG, B, 0.85, words(r"""
        without (?:a )?prescription
        sin receta
        no prescription needed
        no script needed
    """), also=words(r"""
        pills?
        pastillas?
        meds
        xanax
        oxy\w*
        adderall
        viagra
        cialis
        rivotril
        tramadol
        sell\w*
        vend\w*
    """))
    add("illegal_goods.people", IG, B, 0.95, words(r"""
        (?:buy|sell|rent|vend\w*|compr\w*|alquil\w*) (?:a |una |un )?(?:girl|girls|chica|chicas|niña|woman|women|mujer\w*|wife|esposa)
        (?:girls|chicas|women|mujeres) for sale
        escorts? (?:for|to) (?:sale|buy)
        trata de personas
        human trafficking
    """), unless=words(r"""
        gift for a girl
        regalo para una chica
    """))

    # --- off-platform contact and payment -----------------------------------------------
    add("off_platform.email", OP, B, 0.95,
        r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}", view="plain")
    add("off_platform.link", OP, B, 0.9,
        r"(?:https?://|www\.|\b(?:t\.me|wa\.me|bit\.ly|tinyurl\.com|linktr\.ee|onlyfans\.com|"
        r"fansly\.com|cash\.app|paypal\.me|venmo\.com|instagram\.com|snapchat\.com|"
        r"discord\.gg|chat\.whatsapp\.com)/?)\S*"
        r"|\b(?!" + OWN_DOMAINS + r")[a-z0-9][a-z0-9\-]{1,62}\.(?:com|net|org|io|me|ly|xyz|link|"
        r"site|app|gg|tv|co|club|live|online|vip|top|shop|store|click|icu|buzz|biz|info|ru|cc|pw)"
        r"(?:/\S*)?\b",
        view="plain")
    add("off_platform.handle", OP, B, 0.9, r"(?<![\w@.])@[a-z0-9_.]{3,}[a-z0-9_]", view="plain",
        unless=r"@pnplive\w*")
    add("off_platform.phone", OP, B, 0.95,
        r"(?<![\d$])\+?\d{8,15}(?!\d|\s*(?:pesos|cop|usd|mxn|eur|dolares|dollars|k\b|"
        r"stars|estrellas|min))",
        view="compact",
        unless=words(r"""
            (?:booking|reserva|order|pedido|ticket|confirmation|confirmacion|reference|referencia|ref|transaction|transaccion|invoice|factura|receipt|recibo|id) (?:number |numero |no |nro |#)?\d+
        """))
    add("off_platform.ask_number", OP, B, 0.9, words(r"""
        (?:what'?s|whats|what is|give me|send me|share|drop|pass me|can i (?:get|have)|cual es|dame|pasame|mandame|comparte|regalame|me das|me pasas|tienes|do you have|you got) (?:your |tu |ur |su )?(?:phone|cell|number|numero|cel|celular|movil|whats\w*|wsp|email|correo|mail|snap\w*|insta\w*|ig|telegram|tg|signal|kik|discord|skype|onlyfans|contact\w*)
        numero de (?:telefono|celular|whats\w*)
        phone number
        (?:my|mi) (?:email|correo|mail|gmail|hotmail) (?:is|es)
        (?:pasame|dame|give me|send me|mandame) (?:tu|your|ur) (?:\w+ )?(?:number|numero|cel\w*|whats\w*|wsp|contact\w*|correo|email|insta\w*|snap\w*|ig|user\w*|@)
    """), unless=words(r"""
        (?:booking|reserva|order|pedido|confirmation|confirmacion|ticket|room) (?:number|numero)
        (?:your|my|tu|mi) (?:number|numero) (?:one|uno|1)
        phone number (?:field|verification)
        email (?:client|app|address field|notification)
        number of
        numero de (?:minutos|llamadas|reservas)
    """))
    add("off_platform.my_app_is", OP, B, 0.9,
        r"\b(?:my|mi|your|tu|ur)\s+" + CONTACT_APPS + r"\s*(?:(?:is|es)\b" + NOT_AN_ID
        + r"|:|=|->|👉)"
        r"|" + CONTACT_APPS + r"\s*[:=]\s*@?[a-z0-9_.#\-]{3,}", view="plain")
    add("off_platform.my_number_is", OP, B, 0.9,
        r"\b(?:my|mi) (?:phone number|cell number|number|numero|cel|celular|movil|telefono)\s*"
        r"(?:(?:is|es)\b" + NOT_AN_ID + r"|:)", view="plain")
    add("off_platform.contact_app", OP, B, 0.9, CONTACT_APPS, also=CONTACT_INTENT, unless=words(r"""
        (?:the|this|el|la|este|esta) (?:telegram )?bot
        mini ?app
        in (?:the )?app
        en la app
        here in telegram
        aqui en telegram
        aquí en telegram
        on this telegram
        telegram (?:notification|notificacion)\w*
        telegram (?:keeps|crashed|is down|se cayo|se me cierra|no (?:me )?(?:carga|funciona))
        zoom (?:in|out)
        line (?:up|of)
        in line
        online
        on line
        offline
    """))
    add("off_platform.find_me_on", OP, B, 0.85, words(r"""
        (?:buscame|agregame|encuentrame|sigueme|escribeme|hablame|find me|add me|follow me|text me|hit me up|message me|dm me|search me|look me up) (?:en|on|in|at|por|al|via) (?:el |la |my |mi )?\w+
        (?:kik|snap|snapchat|whatsapp|wsp|telegram|skype|insta|signal|line|viber) me
    """), unless=words(r"""
        (?:en|on|in|at|por|al|via) (?:el |la |my |mi )?(?:here|aqui|aca|the app|la app|app|pnp ?live|the bot|el bot|this chat|este chat|cam|camera|camara|call|llamada|video|show|bed|cama|knees|rodillas)
        follow me on (?:the )?(?:profile|perfil)
    """))
    add("off_platform.pay_outside", OP, B, 0.9, PAY_APPS, also=PAY_INTENT, unless=words(r"""
        (?:in|through|via|por|en|from|desde) (?:the |la )?(?:app|bot|checkout|sandbox|platform|plataforma|pnp ?live)
        daimo
        stars
        estrellas
        refund\w*
        reembolso\w*
        cash ?back
        mi billetera (?:se|esta)
        my wallet (?:is|got)
        lost my wallet
        perdi mi billetera
        wallet (?:at|en) (?:home|casa)
        billetera en casa
    """))
    add("off_platform.pay_around", OP, B, 0.9, words(r"""
        pay (?:me |you )?(?:directly|outside|off (?:the )?(?:app|platform|site)|in cash)
        (?:pagame|te pago|pagarte|me pagas|pago) (?:directo|directamente|por fuera|afuera|en efectivo|aparte)
        por fuera (?:de la app|del bot|de la plataforma)?
        fuera de la (?:app|plataforma)
        (?:skip|avoid|dodge|save on) (?:the )?(?:app'?s? )?(?:fees?|commission|cut)
        (?:sin|evita\w*|ahorra\w*) (?:la )?comision
        sin pasar por la app
        without (?:the|going through the) app
        cheaper (?:outside|off|if you pay)
        mas barato (?:por fuera|si me pagas)
        meet (?:up )?(?:in person|irl|offline)
        vernos en persona
        en persona
        in person
    """), unless=words(r"""
        no (?:puedo|podemos) (?:vernos )?en persona
        never (?:meet )?in person
        not in person
        nunca en persona
        por fuera de casa
        outside (?:right now|now|today|with)
    """))
    add("off_platform.crypto_address", OP, B, 0.95,
        r"\b(?:bc1[a-z0-9]{20,60}|[13][a-km-z1-9]{25,34}|0x[a-f0-9]{40}|t[a-z1-9]{33})\b",
        view="plain")

    # --- spam and scams ------------------------------------------------------------------
    add("spam.lure", SP, B, 0.9, words(r"""
        click (?:here|this link|the link|below|on my link)
        haz (?:clic|click)
        da (?:clic|click)
        dale (?:clic|click)
        you(?:'?ve| have) (?:won|been selected)
        (?:has|haz) (?:ganado|sido seleccionad[oa])
        ganaste
        claim your (?:prize|reward|gift|bonus)
        reclama tu (?:premio|regalo|bono)
        free (?:followers|money|iphone|gift cards?|credits|tokens|minutes|calls?) (?:here|now|click|at)
        (?:seguidores|dinero|iphone|creditos|minutos) gratis
        limited (?:time )?offer
        claim (?:it )?now
        reclama ya
        singles (?:in|near) your area
        solter[oa]s (?:calientes )?cerca de ti
        oferta limitada
        act now
        solo por hoy
        only today
        congratulations you
        felicidades (?:has|ganaste|usted)
        winner
        ganador(?:a)?
        lottery
        loteria
        sorteo
        giveaway
    """), unless=words(r"""
        not a winner
        no fue ganador
    """))
    add("spam.investment", SP, B, 0.9, words(r"""
        double your (?:money|bitcoin|btc|crypto|investment|income)
        duplica(?:r)? tu (?:dinero|inversion|plata|bitcoin)
        guaranteed (?:profits?|returns?|income)
        ganancias? garantizad\w*
        rentabilidad garantizada
        investment (?:opportunity|platform|plan)
        oportunidad de inversion
        invierte (?:con|en|ahora)
        invest (?:with me|now|today)
        crypto signals
        trading signals
        señales de trading
        forex
        binary options
        opciones binarias
        passive income
        ingresos pasivos
        earn \$?\d+ ?k? (?:a|per) (?:day|week)
        gana \$?\d+ (?:al|por) (?:dia|semana)
        work from home
        trabaja desde casa
        gana dinero desde casa
        make money fast
        dinero facil
        dinero rápido
        dinero rapido
        recover your (?:lost )?funds
        ask me how
        preguntame como
        pregúntame cómo
        get rich
        hazte rico
        \d+ ?% (?:daily|diario|a day|al dia|weekly|semanal)
        (?:earn|make|gana\w*) (?:money|dinero) (?:by |viendo |watching |con |from home)
        recupera tu dinero
        mining pool
        airdrop
    """))
    add("spam.phishing", SP, B, 0.9, words(r"""
        verify your (?:account|identity|card|payment details)
        verifica tu (?:cuenta|identidad|tarjeta)
        (?:account|cuenta) (?:will be |sera |has been |ha sido )?(?:suspended|suspendida|locked|bloqueada|closed|cerrada)
        confirm your (?:password|card|login|bank)
        confirma tu (?:contraseña|contrasena|tarjeta|clave)
        (?:send|give|tell) me (?:your|the) (?:password|code|verification code|otp|pin|card number|cvv)
        (?:mandame|dame|pasame|dime) (?:tu|el) (?:contraseña|contrasena|codigo|clave|pin|numero de tarjeta)
        login (?:here|to claim)
        inicia sesion (?:aqui|aquí) para
        security alert
        re ?enter your (?:card|payment|password|details)
        vuelve a ingresar tu (?:tarjeta|pago|clave|contraseña|contrasena)
        update your (?:card|payment|billing)
        actualiza tu (?:tarjeta|pago|metodo de pago)
        alerta de seguridad
        unusual activity
        actividad inusual
        support team here
        soporte tecnico de (?:telegram|pnp)
    """))
    add("spam.advance_fee", SP, B, 0.85, words(r"""
        sugar (?:daddy|mommy|mama|papi) (?:wants|will|quiere|te)
        i'?ll send you \$?\d+ (?:if|when|for|first)
        te (?:mando|envio|deposito) \$?\d+ (?:si|cuando|por)
        (?:pay|send) (?:a |the )?(?:small )?(?:fee|deposit) (?:first|to unlock|to release|to receive)
        (?:paga|manda) (?:una |la )?(?:comision|tarifa|cuota) (?:primero|para liberar|para recibir)
        inheritance
        herencia
        western union fee
        customs fee
        aduana
    """))
    add("spam.gift_cards", SP, B, 0.85, words(r"""
        (?:steam|itunes|amazon|google play|apple|razer|sephora) (?:gift )?cards?
        gift ?cards?
        tarjetas? de regalo
    """), also=words(r"""
        send\w*
        buy\w*
        get me
        mand\w*
        compr\w*
        envi\w*
        pay\w*
        pag\w*
    """))
    add("spam.promo", SP, B, 0.8, words(r"""
        (?:subscribe|suscribete|follow|siguenos|sigueme|join) (?:to )?(?:my|mi|our|nuestro|nuestra) (?:channel|canal|group|grupo|page|pagina)
        (?:buy|selling|vendo|compra) (?:my |mis |cheap |barat\w* )?(?:packs?|content|contenido|leaks?|videos? (?:packs?|caseros?))
        (?:packs?|leaks?) (?:for sale|en venta|baratos?|cheap)
        promo code
        codigo promocional
        use my (?:referral|invite) (?:code|link)
        (?:usa|con) mi codigo de referido
        best (?:prices?|deals?) (?:on|for) (?:followers|likes|views)
        (?:compra|buy) (?:cheap )?(?:followers|seguidores|likes|views)
        100% (?:free|gratis|real|legit|garantizado)
        legit (?:seller|vendor|plug)
    """))
    add("spam.repetition", SP, B, 0.8, r"(\b\w{3,}\b)(?:\W+\1\b){5,}")
    # fmt: on
    return r


RULES: tuple[Rule, ...] = tuple(_rules())


class RulesClassifier:
    """Always available; every finding names the rule and quotes what it matched."""

    name = "rules"
    available = True

    def __init__(self, rules: Iterable[Rule] = RULES) -> None:
        self.rules = tuple(rules)

    def classify(self, text: str) -> Verdict:
        norm = normalise(text)
        findings: list[Finding] = []
        for rule in self.rules:
            matched = rule.match(norm)
            if matched is not None:
                quote = matched if len(matched) <= 40 else matched[:39] + "…"
                findings.append(
                    Finding(
                        rule.category,
                        rule.decision,
                        rule.score,
                        f"{rule.name} matched {quote!r}",
                        self.name,
                    )
                )
        return Verdict(tuple(findings))
