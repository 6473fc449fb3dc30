//! The interface language of a page: English at the site root, German under `de/`.
//!
//! [`Lang::of_path`] tells a site path's language and the path of the same page in the
//! language's own tree; [`Lang::tr`] translates the interface's fixed wording, keyed by
//! its English text (templates call it as `t("...")`, views through [`Lang::tr`]). The
//! ontology's own German labels (kinds, statuses, relations) come from the store through
//! [`super::Source::term_label`], not from this table. Article text, quotes and the
//! analysts' English statements are never translated; pages mark their language instead.

use serde::Serialize;

/// A page's interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    De,
}

/// The folder the German pages live in.
pub const GERMAN_PREFIX: &str = "de/";

impl Lang {
    /// The BCP 47 tag (`lang` attribute).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The site's other interface language: where a page's language switch leads.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::De,
            Lang::De => Lang::En,
        }
    }

    /// The language of site path `path` and the path within that language's tree:
    /// `de/id/org/x.html` is German `id/org/x.html`.
    pub fn of_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix(GERMAN_PREFIX) {
            Some(rest) => (Lang::De, rest),
            None => (Lang::En, path),
        }
    }

    /// The site path of page `path` (a path within a language tree) in this language.
    pub fn path(self, path: &str) -> String {
        match self {
            Lang::En => path.to_owned(),
            Lang::De => format!("{GERMAN_PREFIX}{path}"),
        }
    }

    /// The interface text `english` in this language (English when no translation is
    /// known, which the tests forbid for any text a template uses).
    pub fn tr(self, english: &str) -> &str {
        match self {
            Lang::En => english,
            Lang::De => german(english).unwrap_or(english),
        }
    }

    /// A language code as a word in this language ("de" is "German" or "Deutsch").
    pub fn language_name(self, code: &str) -> String {
        let base = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
        let english = match base.as_str() {
            "de" => "German",
            "en" => "English",
            "fr" => "French",
            "es" => "Spanish",
            "it" => "Italian",
            "zh" => "Chinese",
            "ru" => "Russian",
            "nl" => "Dutch",
            "pl" => "Polish",
            "pt" => "Portuguese",
            "ar" => "Arabic",
            "ja" => "Japanese",
            _ => return code.to_owned(),
        };
        self.tr(english).to_owned()
    }

    /// `n` and the singular or plural noun, in this language: "1 claim", "3 Behauptungen".
    pub fn count(self, n: i64, singular: &str, plural: &str) -> String {
        format!(
            "{n} {}",
            if n == 1 {
                self.tr(singular)
            } else {
                self.tr(plural)
            }
        )
    }
}

/// The German of an interface text, keyed by its English. Every page asks this for
/// each of its words, so the table is indexed once.
pub fn german(english: &str) -> Option<&'static str> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&str, &str>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut index = std::collections::HashMap::new();
            for (en, de) in MESSAGES {
                // The first entry wins, as a search from the start would find it.
                index.entry(*en).or_insert(*de);
            }
            index
        })
        .get(english)
        .copied()
}

/// Every interface text in English and German.
pub const MESSAGES: &[(&str, &str)] = &[
    // layout
    ("Skip to content", "Zum Inhalt springen"),
    ("Search the graph", "Im Graphen suchen"),
    ("Search", "Suchen"),
    ("Search entities, claims, articles", "Entitäten, Behauptungen, Artikel"),
    ("Main", "Hauptnavigation"),
    ("Home", "Start"),
    ("Companies", "Unternehmen"),
    ("Government bodies", "Behörden und Regierungen"),
    ("People", "Personen"),
    ("Other entities", "Weitere Entitäten"),
    ("Organisations, places, lists and groups", "Organisationen, Orte, Listen und Gruppen"),
    ("Articles", "Artikel"),
    ("Claims", "Behauptungen"),
    ("Documents", "Dokumente"),
    ("Source documents", "Quelldokumente"),
    ("Queries", "Abfragen"),
    ("Saved queries", "Gespeicherte Abfragen"),
    ("This page as data:", "Diese Seite als Daten:"),
    ("This page in English", "Diese Seite auf Englisch"),
    ("This page in German", "Diese Seite auf Deutsch"),
    (
        "claimgraph records who said what, where and when, in which words, and who answered. It never records a claim as fact.",
        "claimgraph verzeichnet, wer was wo und wann mit welchen Worten gesagt hat und wer darauf antwortete. Eine Behauptung wird nie als Tatsache verzeichnet.",
    ),
    (
        "Licence: the graph's records (claims, statements, links) are published under Creative Commons Attribution 4.0 (CC BY 4.0); quotes are short excerpts of the cited articles, whose rights stay with their publishers.",
        "Lizenz: Die Einträge des Graphen (Behauptungen, Aussagen, Verweise) stehen unter Creative Commons Namensnennung 4.0 (CC BY 4.0); Zitate sind kurze Auszüge der zitierten Artikel, deren Rechte bei ihren Verlagen bleiben.",
    ),
    // kinds of entities
    ("company", "Unternehmen"),
    ("government", "Regierungsstelle"),
    ("person", "Person"),
    ("organization", "Organisation"),
    ("country", "Staat"),
    ("place", "Ort"),
    ("list", "Liste"),
    ("group", "Gruppe"),
    ("entity", "Entität"),
    // languages
    ("German", "Deutsch"),
    ("English", "Englisch"),
    ("French", "Französisch"),
    ("Spanish", "Spanisch"),
    ("Italian", "Italienisch"),
    ("Chinese", "Chinesisch"),
    ("Russian", "Russisch"),
    ("Dutch", "Niederländisch"),
    ("Polish", "Polnisch"),
    ("Portuguese", "Portugiesisch"),
    ("Arabic", "Arabisch"),
    ("Japanese", "Japanisch"),
    // counts
    ("claim", "Behauptung"),
    ("claims", "Behauptungen"),
    ("response", "Reaktion"),
    ("responses", "Reaktionen"),
    ("row", "Zeile"),
    ("rows", "Zeilen"),
    ("article", "Artikel"),
    ("articles", "Artikel"),
    ("independent origin", "unabhängigen Ursprung"),
    ("independent origins", "unabhängige Ursprünge"),
    // statuses (reader phrases)
    ("no response reported", "keine Reaktion berichtet"),
    ("denied by", "dementiert von"),
    ("denied by its subject", "vom Betroffenen dementiert"),
    ("disputed by", "bestritten von"),
    ("disputed", "bestritten"),
    ("declined to comment:", "Stellungnahme abgelehnt:"),
    ("declined to comment", "Stellungnahme abgelehnt"),
    ("did not address it:", "äußerte sich nicht dazu:"),
    ("could not be reached:", "nicht erreichbar:"),
    ("corroborated by", "bestätigt durch"),
    ("corroborated", "bestätigt"),
    ("corrected by its claimant", "vom Urheber korrigiert"),
    ("retracted by its claimant", "vom Urheber widerrufen"),
    ("status not derived", "Status nicht abgeleitet"),
    (
        "Nobody is reported to have answered this claim: no denial, no confirmation, no refusal to comment. That does not make it true.",
        "Keine Reaktion auf diese Behauptung ist berichtet: kein Dementi, keine Bestätigung, keine verweigerte Stellungnahme. Wahr wird sie dadurch nicht.",
    ),
    (
        "An entity the claim is about denies it.",
        "Eine Entität, die die Behauptung betrifft, dementiert sie.",
    ),
    (
        "Someone other than the claim's subjects denies it or objects to it.",
        "Jemand anderes als die Betroffenen dementiert die Behauptung oder widerspricht ihr.",
    ),
    (
        "Those asked declined to comment, did not address the point, or could not be reached; nobody denied it.",
        "Die Angefragten lehnten eine Stellungnahme ab, äußerten sich nicht dazu oder waren nicht erreichbar; niemand dementierte.",
    ),
    (
        "Sources of independent origin (not relaying one another) confirm the claim or make the same claim.",
        "Quellen unabhängigen Ursprungs (die einander nicht wiedergeben) bestätigen die Behauptung oder stellen dieselbe auf.",
    ),
    (
        "The claimant corrected its own claim.",
        "Der Urheber hat seine Behauptung korrigiert.",
    ),
    (
        "The claimant withdrew its own claim.",
        "Der Urheber hat seine Behauptung zurückgezogen.",
    ),
    (
        "The status could not be derived.",
        "Der Status konnte nicht abgeleitet werden.",
    ),
    ("What the statuses on this page mean", "Was die Status auf dieser Seite bedeuten"),
    // dates
    ("year not given", "Jahr nicht angegeben"),
    ("precision:", "Genauigkeit:"),
    ("date unknown", "Datum unbekannt"),
    ("date not given", "Datum nicht angegeben"),
    ("not given", "nicht angegeben"),
    ("not known", "nicht bekannt"),
    // articles
    ("Unidentified", "Nicht identifizierter"),
    ("article citing", "Artikel mit Verweis auf"),
    ("Untitled article", "Artikel ohne Titel"),
    ("Article", "Artikel"),
    ("Publisher", "Verlag"),
    ("Published", "Erschienen"),
    ("Language", "Sprache"),
    ("Original address", "Originaladresse"),
    ("not a web address, so not linked", "keine Webadresse, daher nicht verlinkt"),
    ("unidentified publisher", "nicht identifizierter Verlag"),
    ("unidentified", "nicht identifiziert"),
    ("the text does not name it", "der Text nennt ihn nicht"),
    (
        "No headline, publisher or date is recorded for this article; the title above only describes it.",
        "Für diesen Artikel sind weder Überschrift noch Verlag oder Datum verzeichnet; der Titel oben beschreibt ihn nur.",
    ),
    ("rest on quotes from this text", "beruhen auf Zitaten aus diesem Text"),
    ("The text", "Der Text"),
    ("Every", "Jede"),
    ("highlighted passage", "markierte Stelle"),
    (
        "is a quote a claim rests on; follow it to the claim. The small numbers refer to the list of claims below;",
        "ist ein Zitat, auf dem eine Behauptung beruht; sie führt zur Behauptung. Die kleinen Zahlen verweisen auf die Liste der Behauptungen unten;",
    ),
    ("darker", "dunklere"),
    ("passages back more than one claim.", "Stellen stützen mehr als eine Behauptung."),
    (
        "could not be placed in the text (their recorded position lies outside it).",
        "konnten nicht im Text verortet werden (ihre verzeichnete Position liegt außerhalb).",
    ),
    ("Claims in this article", "Behauptungen in diesem Artikel"),
    ("show in text", "im Text zeigen"),
    ("Documents it relays", "Dokumente, die er wiedergibt"),
    ("Which document relays which", "Welches Dokument welches wiedergibt"),
    ("Source", "Quelle"),
    ("Link", "Verbindung"),
    ("Document", "Dokument"),
    ("Kind", "Art"),
    ("Made by", "Erstellt von"),
    ("The record", "Der Eintrag"),
    ("Content hash", "Inhalts-Prüfsumme"),
    (
        "When this article's record last changed in claimgraph (a re-import of the same content keeps the date).",
        "Wann sich der Eintrag dieses Artikels in claimgraph zuletzt geändert hat (ein erneuter Import desselben Inhalts behält das Datum).",
    ),
    (
        "SHA-256 of the canonical form (RDFC-1.0) of everything this article contributes; claimgraph verify recomputes it.",
        "SHA-256 der kanonischen Form (RDFC-1.0) von allem, was dieser Artikel beiträgt; claimgraph verify berechnet sie nach.",
    ),
    ("Last updated", "Zuletzt geändert"),
    ("Imported from", "Importiert aus"),
    ("by", "von"),
    ("in", "in"),
    ("relayed by", "wiedergegeben von"),
    ("cited by", "angeführt von"),
    ("reported on by", "berichtet von"),
    ("quoted by", "zitiert von"),
    ("underlies", "Grundlage für"),
    ("Relayed by", "Wiedergegeben von"),
    ("Claimed by", "Behauptet von"),
    // entity page
    ("At a glance", "Auf einen Blick"),
    ("Also known as", "Auch bekannt als"),
    ("Country", "Staat"),
    ("Part of", "Teil von"),
    ("Wikidata", "Wikidata"),
    ("Lists", "Listen"),
    ("on the", "auf der"),
    ("per", "laut"),
    ("Claims about", "Behauptungen über"),
    ("Claims made by", "Behauptungen von"),
    ("Responses by", "Reaktionen von"),
    ("Claims that mention", "Behauptungen, die erwähnen:"),
    ("Claims involving", "Behauptungen mit"),
    ("claims about it", "Behauptungen über die Entität"),
    ("claims it made", "eigene Behauptungen"),
    ("its responses", "eigene Reaktionen"),
    ("claims that mention it", "Behauptungen, die die Entität erwähnen"),
    ("No claim in the graph involves this entity yet.", "Noch keine Behauptung im Graphen betrifft diese Entität."),
    ("Claimed relations", "Behauptete Beziehungen"),
    (
        "What claims say links this entity with others. These are claims, not established facts; each row names who claims it and where the claim stands.",
        "Was Behauptungen über die Verbindungen dieser Entität zu anderen sagen. Es sind Behauptungen, keine gesicherten Tatsachen; jede Zeile nennt, wer es behauptet und wie die Behauptung steht.",
    ),
    ("Relations claimed between this entity and others", "Behauptete Beziehungen zwischen dieser Entität und anderen"),
    ("Subject", "Subjekt"),
    ("Relation", "Beziehung"),
    ("Object", "Objekt"),
    ("Claimant", "Urheber"),
    ("Status", "Status"),
    ("Answers", "Antworten"),
    ("Answered by", "Antworten darauf"),
    (
        "The same answers as for the claim above; their words are quoted there.",
        "Dieselben Antworten wie auf die Behauptung darüber; ihre Worte sind dort zitiert.",
    ),
    ("Timeline", "Zeitleiste"),
    (
        "When each claim's event happened or the claim was made, as far as known; the cards above hold the details.",
        "Wann das Ereignis einer Behauptung geschah oder die Behauptung aufgestellt wurde, soweit bekannt; Einzelheiten in den Karten oben.",
    ),
    (
        "Arrows point from the subject of a claimed relation to its object; the numbers count the claims. Hover over a line for who claims it.",
        "Pfeile zeigen vom Subjekt einer behaupteten Beziehung zu ihrem Objekt; die Zahlen zählen die Behauptungen. Wer es behauptet, zeigt der Tooltip einer Linie.",
    ),
    ("Legend", "Legende"),
    ("the entity of this page", "die Entität dieser Seite"),
    ("an entity claims link with it", "eine Entität, mit der Behauptungen sie verbinden"),
    ("claimed relation (claims)", "behauptete Beziehung (Behauptungen)"),
    ("more are listed in the table only", "weitere stehen nur in der Tabelle"),
    // claim page
    ("In the article's words", "Mit den Worten des Artikels"),
    ("See it in the article", "Im Artikel ansehen"),
    (
        "The highlighted words are the quote the claim rests on.",
        "Die markierten Worte sind das Zitat, auf dem die Behauptung beruht.",
    ),
    ("No response answering this claim is recorded.", "Keine Reaktion auf diese Behauptung ist verzeichnet."),
    ("Corroborated by claims of independent origin:", "Bestätigt durch Behauptungen unabhängigen Ursprungs:"),
    ("This response answers", "Diese Reaktion antwortet auf"),
    ("a subject of this claim", "betroffen von dieser Behauptung"),
    ("Made in", "Aufgestellt in"),
    ("the article itself", "dem Artikel selbst"),
    ("Document chain", "Dokumentenkette"),
    ("Claim made", "Behauptung aufgestellt"),
    ("Event date", "Ereignisdatum"),
    ("About", "Betrifft"),
    ("Review", "Prüfung"),
    ("Analyst's note", "Anmerkung der Analyse"),
    ("Identifier", "Kennung"),
    ("What is claimed, as data", "Was behauptet wird, als Daten"),
    (
        "Kept in the claim's own graph: the claimant says this; the graph does not assert it.",
        "Im eigenen Graphen der Behauptung: Der Urheber sagt dies; der Graph behauptet es nicht.",
    ),
    ("The claim's proposition", "Der Inhalt der Behauptung"),
    ("Object or value", "Objekt oder Wert"),
    ("Claim", "Behauptung"),
    // document page
    ("source document", "Quelldokument"),
    ("Date", "Datum"),
    ("Relays", "Gibt wieder"),
    ("How it reaches the reader", "Wie es die Leser erreicht"),
    ("Claims made in it", "Darin aufgestellte Behauptungen"),
    (
        "No claim is recorded as made in this document itself; it matters as a link in a chain.",
        "Keine Behauptung ist als in diesem Dokument selbst aufgestellt verzeichnet; es zählt als Glied einer Kette.",
    ),
    ("Read the original", "Original lesen"),
    // lists and home
    ("in the graph.", "im Graphen."),
    ("in the graph, responses included.", "im Graphen, Reaktionen eingeschlossen."),
    ("in the graph, newest first.", "im Graphen, neueste zuerst."),
    (
        "reports, memos, statements and other documents that articles relay.",
        "Berichte, Memoranden, Erklärungen und andere Dokumente, die Artikel wiedergeben.",
    ),
    ("None yet.", "Noch keine."),
    // pagination
    ("Pages", "Seiten"),
    ("page", "Seite"),
    ("of", "von"),
    ("Previous page", "Vorige Seite"),
    ("Next page", "Nächste Seite"),
    ("First page", "Erste Seite"),
    ("on this page", "auf dieser Seite"),
    ("More claims involving", "Weitere Behauptungen zu"),
    (
        "Its first page sums up all of them and shows the relations claims state.",
        "Die erste Seite fasst alle zusammen und zeigt die behaupteten Beziehungen.",
    ),
    ("and", "und"),
    ("more claims", "weitere Behauptungen"),
    ("The relations with the most claims", "Die Beziehungen mit den meisten Behauptungen"),
    ("Every claim of a relation", "Alle Behauptungen von Beziehungen"),
    ("all of them", "alle zusammen"),
    ("claims of relations", "Behauptungen von Beziehungen"),
    ("relations", "Beziehungen"),
    ("Name", "Name"),
    ("German label", "Deutsche Bezeichnung"),
    ("Type", "Typ"),
    ("Statement", "Aussage"),
    ("Who said what, and who answered", "Wer was gesagt hat, und wer antwortete"),
    (
        "This graph holds statements from news articles as sourced claims: who made each one, in which document, relayed by which article, when, in which exact words, and who denied, confirmed or declined to comment. Nothing here is recorded as fact.",
        "Dieser Graph hält Aussagen aus Nachrichtenartikeln als belegte Behauptungen fest: wer sie aufstellte, in welchem Dokument, wiedergegeben von welchem Artikel, wann, mit welchen Worten, und wer dementierte, bestätigte oder eine Stellungnahme ablehnte. Nichts hier ist als Tatsache verzeichnet.",
    ),
    ("What the graph holds", "Was der Graph enthält"),
    ("of them responses", "davon Reaktionen"),
    ("source documents", "Quelldokumente"),
    ("entities", "Entitäten"),
    ("Recent articles", "Neueste Artikel"),
    ("No article has been imported yet.", "Noch kein Artikel importiert."),
    ("Questions the graph answers", "Fragen, die der Graph beantwortet"),
    (
        "The questions this graph is built to answer, each a saved SPARQL query (run them with claimgraph query NAME). Results below are from this build, with the example parameters shown.",
        "Die Fragen, für die dieser Graph gebaut ist, jede eine gespeicherte SPARQL-Abfrage (ausführen mit claimgraph query NAME). Die Ergebnisse unten stammen aus diesem Build, mit den gezeigten Beispielparametern.",
    ),
    ("This query failed:", "Diese Abfrage schlug fehl:"),
    ("No results in this graph.", "Keine Ergebnisse in diesem Graphen."),
    ("the first", "die ersten"),
    ("More than", "Mehr als"),
    ("shown", "gezeigt"),
    ("Results of", "Ergebnisse von"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_paths_and_words() {
        assert_eq!(
            Lang::of_path("de/id/org/x.html"),
            (Lang::De, "id/org/x.html")
        );
        assert_eq!(Lang::of_path("index.html"), (Lang::En, "index.html"));
        assert_eq!(Lang::De.path("claims.html"), "de/claims.html");
        assert_eq!(Lang::En.language_name("de"), "German");
        assert_eq!(Lang::De.language_name("de"), "Deutsch");
        assert_eq!(Lang::De.count(3, "claim", "claims"), "3 Behauptungen");
        assert_eq!(Lang::En.count(1, "claim", "claims"), "1 claim");
    }

    #[test]
    fn every_message_is_translated_once() {
        let mut seen = std::collections::HashSet::new();
        for (en, de) in MESSAGES {
            assert!(seen.insert(*en), "'{en}' is listed twice");
            assert!(!de.trim().is_empty(), "'{en}' has no German");
        }
    }
}
