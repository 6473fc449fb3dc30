//! A deterministic synthetic corpus: N articles as claim sheets, from a seed.
//!
//! [`generate`] writes `entities.toml` (thousands of companies, hundreds of government
//! bodies and people, a few sanctions lists, countries) and `articles/NNNNNNN.toml`,
//! each an article of German- or English-like news text with 5 to 30 claims, responses
//! to a fraction of them, document chains of length 1 to 3 and partial dates. Every
//! quote is a sentence of the generated text, so every sheet imports as is. The same
//! seed and size always give the same files.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: small, fast and good enough to make a corpus reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone)]
pub struct Entity {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
}

/// The entity dictionary of a corpus.
pub struct World {
    pub companies: Vec<Entity>,
    pub governments: Vec<Entity>,
    pub people: Vec<Entity>,
    pub lists: Vec<Entity>,
    pub countries: Vec<Entity>,
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "te", "vo", "zen", "tri", "nex", "sol", "dra", "qu", "bel", "cor",
    "fin", "gal", "hy", "ion", "jun", "kor", "lum", "mer", "nor", "ost", "pra", "sil", "tor",
    "ula", "ver", "wen", "xin", "yar", "zor", "an", "el",
];
const COMPANY_SUFFIXES: &[&str] = &[
    "Technologies",
    "Holdings",
    "Networks",
    "Systems",
    "Cloud",
    "Digital",
    "Robotics",
    "Semiconductor",
    "Telecom",
    "Analytics",
];
const LEGAL: &[&str] = &["GmbH", "Ltd.", "Inc.", "AG", "Co., Ltd.", "S.A."];
const COUNTRIES: &[(&str, &str)] = &[
    ("Aldoria", "Aldorien"),
    ("Borvania", "Borvanien"),
    ("Cestria", "Cestrien"),
    ("Dalmora", "Dalmorien"),
    ("Estoval", "Estovalien"),
    ("Ferunia", "Ferunien"),
    ("Galdany", "Galdanien"),
    ("Hestria", "Hestrien"),
    ("Ilvaria", "Ilvarien"),
    ("Jorvik", "Jorvikien"),
    ("Kestel", "Kestelien"),
    ("Lorania", "Loranien"),
    ("Marovia", "Marovien"),
    ("Norland", "Norland"),
    ("Ostrava", "Ostravien"),
    ("Pelagia", "Pelagien"),
    ("Quorin", "Quorinien"),
    ("Rovenia", "Rovenien"),
    ("Sarnia", "Sarnien"),
    ("Tavora", "Tavorien"),
];
const MINISTRIES: &[(&str, &str)] = &[
    ("Ministry of Commerce", "Handelsministerium"),
    ("Ministry of Foreign Affairs", "Außenministerium"),
    ("Ministry of Defence", "Verteidigungsministerium"),
    ("Data Protection Authority", "Datenschutzbehörde"),
    ("Intelligence Service", "Nachrichtendienst"),
    ("Trade Commission", "Handelskommission"),
    ("Cyber Security Agency", "Behörde für Cybersicherheit"),
    ("Export Control Office", "Amt für Exportkontrolle"),
    ("Presidential Office", "Präsidialamt"),
    ("Competition Authority", "Wettbewerbsbehörde"),
    ("Ministry of Industry", "Industrieministerium"),
    ("Telecom Regulator", "Telekommunikationsaufsicht"),
    ("Customs Agency", "Zollbehörde"),
    ("Ministry of Justice", "Justizministerium"),
    ("Central Bank", "Zentralbank"),
];
const FIRST: &[&str] = &[
    "Anna", "Boris", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kira",
    "Lars", "Mei", "Nils", "Olga", "Pavel", "Rosa", "Sven", "Tara", "Umar",
];
const LAST: &[&str] = &[
    "Adler",
    "Berg",
    "Castell",
    "Dorn",
    "Ebert",
    "Falk",
    "Gruber",
    "Hahn",
    "Iwanow",
    "Jansen",
    "Keller",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Romero",
    "Schulz",
    "Tanaka",
];

fn name(rng: &mut Rng, syllables: usize) -> String {
    let mut s: String = (0..syllables).map(|_| *rng.pick(SYLLABLES)).collect();
    s[..1].make_ascii_uppercase();
    s
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

impl World {
    /// Entity counts grow slowly with the corpus: 2,000 to 6,000 companies, 300 bodies,
    /// 400 people, 6 lists, 20 countries.
    pub fn new(rng: &mut Rng, articles: usize) -> World {
        let companies_n = (2000 + articles / 25).min(6000);
        let countries: Vec<Entity> = COUNTRIES
            .iter()
            .map(|(en, _)| Entity {
                id: slug(en),
                kind: "country",
                name: (*en).to_owned(),
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut companies = Vec::new();
        while companies.len() < companies_n {
            let syllables = rng.range(2, 3);
            let base = name(rng, syllables);
            let n = format!("{base} {}", rng.pick(COMPANY_SUFFIXES));
            let id = slug(&n);
            if seen.insert(id.clone()) {
                companies.push(Entity {
                    id,
                    kind: "company",
                    name: n,
                });
            }
        }
        let mut governments = Vec::new();
        for (i, c) in COUNTRIES.iter().enumerate() {
            for (en, _) in MINISTRIES {
                let n = format!("{} {en}", c.0);
                governments.push(Entity {
                    id: format!("{}-{}", slug(c.0), slug(en)),
                    kind: "government",
                    name: n,
                });
            }
            let _ = i;
        }
        let mut people = Vec::new();
        while people.len() < 400 {
            let n = format!(
                "{} {}{}",
                rng.pick(FIRST),
                rng.pick(LAST),
                if rng.chance(50) {
                    format!("-{}", rng.pick(LAST))
                } else {
                    String::new()
                }
            );
            let id = slug(&n);
            if seen.insert(id.clone()) {
                people.push(Entity {
                    id,
                    kind: "person",
                    name: n,
                });
            }
        }
        let lists = [
            "Entity List",
            "Sanctions List",
            "Watch List",
            "Export Blacklist",
            "Investment Ban List",
            "Denied Parties List",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            // The first list is the one the competency questions (Q1, Q6) ask about.
            let (id, name) = if i == 0 {
                ("us-entity-list".to_owned(), "US Entity List".to_owned())
            } else {
                let name = format!("{} {l}", COUNTRIES[i].0);
                (slug(&name), name)
            };
            Entity {
                id,
                kind: "list",
                name,
            }
        })
        .collect();
        World {
            companies,
            governments,
            people,
            lists,
            countries,
        }
    }

    pub fn entities_toml(&self, rng: &mut Rng) -> String {
        let mut out =
            String::from("# Synthetic reference entities (generated by benches/corpus.rs).\n");
        for e in self.countries.iter() {
            entity(&mut out, e, &e.name, None, &[]);
        }
        for e in &self.companies {
            let legal = format!("{} {}", e.name, rng.pick(LEGAL));
            let genitive = format!("{}s", e.name);
            entity(
                &mut out,
                e,
                &e.name,
                Some(&self.countries[rng.below(self.countries.len())].id),
                &[&legal, &genitive],
            );
        }
        for (i, e) in self.governments.iter().enumerate() {
            let country = &self.countries[i / MINISTRIES.len()];
            let de = format!(
                "{} {}",
                MINISTRIES[i % MINISTRIES.len()].1,
                COUNTRIES[i / MINISTRIES.len()].1
            );
            entity(&mut out, e, &de, Some(&country.id), &[]);
        }
        for e in self.people.iter().chain(&self.lists) {
            entity(&mut out, e, &e.name, None, &[]);
        }
        out
    }
}

fn entity(out: &mut String, e: &Entity, label_de: &str, country: Option<&str>, aliases: &[&str]) {
    let _ = writeln!(
        out,
        "\n[[entity]]\nid = \"{}\"\nkind = \"{}\"\nlabel_en = \"{}\"\nlabel_de = \"{}\"",
        e.id, e.kind, e.name, label_de
    );
    if !aliases.is_empty() {
        let list: Vec<String> = aliases.iter().map(|a| format!("\"{a}\"")).collect();
        let _ = writeln!(out, "aliases = [{}]", list.join(", "));
    }
    if let Some(c) = country {
        let _ = writeln!(out, "country = \"{c}\"");
    }
}

/// A random partial date, as a sheet writes it, with its precision.
fn partial_date(rng: &mut Rng) -> String {
    let y = rng.range(2015, 2025);
    let m = rng.range(1, 12);
    let d = rng.range(1, 28);
    match rng.below(5) {
        0 => format!("\"{y}\""),
        1 | 2 => format!("\"{y}-{m:02}\""),
        3 => format!("\"{y}-{m:02}-{d:02}\""),
        _ => format!("{{ value = \"--{m:02}\", text = \"im Monat {m}\" }}"),
    }
}

struct Claim {
    id: String,
    kind: &'static str,
    claimant: String,
    document: Option<String>,
    about: Vec<String>,
    statement: String,
    quote: String,
    answers: Option<String>,
    proposition: Option<(String, &'static str, String)>,
    date: Option<String>,
}

const SERVICES: &[(&str, &str, &str)] = &[
    (
        "providesWebHostingTo",
        "hostet die Websites von",
        "hosts the websites of",
    ),
    (
        "providesEmailHostingTo",
        "betreibt die E-Mail-Dienste von",
        "runs the e-mail of",
    ),
    (
        "providesCdnTo",
        "liefert Inhalte aus für",
        "delivers content for",
    ),
    (
        "providesCloudServicesTo",
        "stellt Cloud-Dienste bereit für",
        "provides cloud services to",
    ),
    (
        "suppliesTechnologyTo",
        "liefert Technologie an",
        "supplies technology to",
    ),
];

/// One article sheet with inline text.
pub fn article(rng: &mut Rng, world: &World, index: usize) -> String {
    let german = index % 2 == 0;
    let lang = if german { "de" } else { "en" };
    let id = format!("synthetic-{index:07}");
    let n_claims = rng.range(5, 30);
    let mut text = String::new();
    let mut claims: Vec<Claim> = Vec::new();
    let mut documents: Vec<(String, &'static str, String, Option<String>, &'static str)> =
        Vec::new();

    // A chain of 1 to 3 documents: a report, a news report about it, a memo it rests on.
    let chain_len = rng.range(1, 3);
    let author = rng.pick(&world.companies).clone();
    let mut previous: Option<String> = None;
    for level in 0..chain_len {
        let doc_id = format!("{id}-doc-{level}");
        let (kind, link) = match level {
            0 => ("news-report", "cites"),
            1 => ("report", "reports-on"),
            _ => ("memorandum", "based-on"),
        };
        documents.push((
            doc_id.clone(),
            kind,
            author.id.clone(),
            previous.clone(),
            link,
        ));
        previous = Some(doc_id);
    }
    let origin = documents.last().map(|d| d.0.clone());

    for c in 0..n_claims {
        let claimant = if rng.chance(30) {
            rng.pick(&world.governments).clone()
        } else {
            author.clone()
        };
        let subject = rng.pick(&world.companies).clone();
        let object = rng.pick(&world.companies).clone();
        let (predicate, de, en) = *rng.pick(SERVICES);
        let (sentence, kind, proposition, statement) = if rng.chance(15) {
            let list = rng.pick(&world.lists).clone();
            let s = if german {
                format!(
                    "{} wurde nach Angaben von {} in die {} aufgenommen.",
                    subject.name, claimant.name, list.name
                )
            } else {
                format!(
                    "{} was added to the {}, {} said.",
                    subject.name, list.name, claimant.name
                )
            };
            let statement = format!("{} was added to the {}.", subject.name, list.name);
            (
                s,
                "official-action",
                (subject.id.clone(), "addedTo", list.id.clone()),
                statement,
            )
        } else {
            let s = if german {
                format!(
                    "Laut {} {} {} angeblich {}.",
                    claimant.name, subject.name, de, object.name
                )
            } else {
                format!(
                    "{} {} {}, according to {}.",
                    subject.name, en, object.name, claimant.name
                )
            };
            let statement = format!("{} {} {}.", subject.name, en, object.name);
            (
                s,
                "allegation",
                (subject.id.clone(), predicate, object.id.clone()),
                statement,
            )
        };
        // A quote must occur once in the text; a repeated sentence is simply left out.
        if text.contains(&sentence) {
            continue;
        }
        let filler = if german {
            format!(
                "Die Vorwürfe betreffen den Zeitraum seit {}. ",
                rng.range(2010, 2024)
            )
        } else {
            format!(
                "The allegations cover the period since {}. ",
                rng.range(2010, 2024)
            )
        };
        text.push_str(&sentence);
        text.push(' ');
        text.push_str(&filler);
        let claim_id = format!("c{c}");
        // Now and then the article says it in its own voice (what Q7 asks about).
        let own_voice = rng.chance(4);
        claims.push(Claim {
            id: claim_id.clone(),
            kind,
            claimant: if own_voice {
                "publisher".to_owned()
            } else {
                claimant.id.clone()
            },
            document: origin
                .clone()
                .filter(|_| !own_voice && claimant.id == author.id),
            about: vec![subject.id.clone()],
            statement,
            quote: sentence,
            answers: None,
            proposition: Some(proposition),
            date: rng.chance(60).then(|| partial_date(rng)),
        });
        // A response to a fifth of the claims: a denial by the subject or a refusal.
        if rng.chance(20) {
            let denial = rng.chance(60);
            let s = match (german, denial) {
                (true, true) => format!(
                    "{} wies die Vorwürfe als haltlos zurück (Nr. {c}).",
                    subject.name
                ),
                (true, false) => {
                    format!("{} lehnte eine Stellungnahme ab (Nr. {c}).", subject.name)
                }
                (false, true) => format!(
                    "{} denied the allegations as baseless (no. {c}).",
                    subject.name
                ),
                (false, false) => format!("{} declined to comment (no. {c}).", subject.name),
            };
            text.push_str(&s);
            text.push(' ');
            claims.push(Claim {
                id: format!("r{c}"),
                kind: if denial {
                    "denial"
                } else {
                    "refusal-to-comment"
                },
                claimant: subject.id.clone(),
                document: None,
                about: vec![subject.id.clone()],
                statement: format!("{} responds to the claim.", subject.name),
                quote: s,
                answers: Some(claim_id),
                proposition: None,
                date: None,
            });
        }
        if c % 4 == 3 {
            text.push_str("\n\n");
        }
    }

    let mut out = String::new();
    let _ = writeln!(out, "[article]\nid = \"{id}\"\ntitle = \"Synthetic article {index}\"\nlanguage = \"{lang}\"\ndate = {}", partial_date(rng));
    let _ = writeln!(out, "text = '''\n{}'''", text.trim_end());
    for (doc_id, kind, author, via, link) in &documents {
        let _ = writeln!(out, "\n[[document]]\nid = \"{doc_id}\"\nkind = \"{kind}\"\nauthor = \"{author}\"\nlink = \"{link}\"\ndate = {}", partial_date(rng));
        if let Some(v) = via {
            let _ = writeln!(out, "via = \"{v}\"");
        }
    }
    for c in &claims {
        let _ = writeln!(
            out,
            "\n[[claim]]\nid = \"{}\"\nkind = \"{}\"\nclaimant = \"{}\"",
            c.id, c.kind, c.claimant
        );
        if let Some(d) = &c.document {
            let _ = writeln!(out, "document = \"{d}\"");
        }
        let about: Vec<String> = c.about.iter().map(|a| format!("\"{a}\"")).collect();
        let _ = writeln!(
            out,
            "about = [{}]\nstatement = \"{}\"\nquote = '''{}'''",
            about.join(", "),
            c.statement,
            c.quote
        );
        if let Some(d) = &c.date {
            let _ = writeln!(out, "date = {d}");
        }
        if let Some(a) = &c.answers {
            let _ = writeln!(out, "answers = [\"{a}\"]");
        }
        if let Some((s, p, o)) = &c.proposition {
            let _ = writeln!(
                out,
                "\n[[claim.proposition]]\nsubject = \"{s}\"\npredicate = \"{p}\"\nobject = \"{o}\""
            );
        }
    }
    out
}

/// Writes a corpus of `articles` sheets under `dir`; returns the number of claims.
pub fn generate(dir: &Path, articles: usize, seed: u64) -> std::io::Result<usize> {
    let mut rng = Rng::new(seed);
    let world = World::new(&mut rng, articles);
    std::fs::create_dir_all(dir.join("articles"))?;
    std::fs::write(dir.join("entities.toml"), world.entities_toml(&mut rng))?;
    let mut claims = 0;
    for i in 0..articles {
        let sheet = article(&mut rng, &world, i);
        claims += sheet.matches("\n[[claim]]\n").count();
        // Folders of 1,000 keep directory listings fast at 100k articles.
        let sub = dir.join("articles").join(format!("{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        std::fs::write(sub.join(format!("{i:07}.toml")), sheet)?;
    }
    Ok(claims)
}
