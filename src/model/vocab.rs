//! Every IRI the code writes or reads, named once.
//!
//! The claimgraph ontology itself lives in `ontology/claimgraph.ttl`; this module
//! only names its terms (and the few terms of schema.org, PROV-O, Web Annotation,
//! RDF(S), OWL and XSD that the import writes) so that no IRI string is spelled
//! twice in the code. Instance IRIs (articles, claims, entities) are minted under
//! a configurable base by [`crate::model::graph::Iris`].

use oxigraph::model::NamedNodeRef;

/// The namespace of the claimgraph ontology. It does not follow the instance base:
/// the vocabulary is the same whichever base a store is built with.
pub const CG: &str = "https://claimgraph.example/ns#";
pub const SCHEMA: &str = "http://schema.org/";
pub const PROV: &str = "http://www.w3.org/ns/prov#";
pub const OA: &str = "http://www.w3.org/ns/oa#";
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
pub const DCT: &str = "http://purl.org/dc/terms/";
pub const WIKIDATA: &str = "http://www.wikidata.org/entity/";

/// The prefixes used when writing Turtle/TriG and shown in query editors.
pub const PREFIXES: &[(&str, &str)] = &[
    ("cg", CG),
    ("schema", SCHEMA),
    ("prov", PROV),
    ("oa", OA),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("owl", OWL),
    ("xsd", XSD),
    ("skos", SKOS),
    ("dct", DCT),
    ("wd", WIKIDATA),
];

/// The prefix declarations of [`PREFIXES`] as a SPARQL prologue.
pub fn sparql_prologue() -> String {
    PREFIXES
        .iter()
        .map(|(p, ns)| format!("PREFIX {p}: <{ns}>\n"))
        .collect()
}

macro_rules! terms {
    ($($name:ident = $iri:expr;)*) => {
        $(pub const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked($iri);)*
    };
}

/// Terms of the claimgraph ontology (`cg:`).
pub mod cg {
    use super::*;
    terms! {
        ARTICLE = "https://claimgraph.example/ns#Article";
        SOURCE_DOCUMENT = "https://claimgraph.example/ns#SourceDocument";
        CLAIM = "https://claimgraph.example/ns#Claim";
        RESPONSE = "https://claimgraph.example/ns#Response";
        ENTITY = "https://claimgraph.example/ns#Entity";
        SANCTIONS_LIST = "https://claimgraph.example/ns#SanctionsList";
        UNIDENTIFIED_PUBLISHER = "https://claimgraph.example/ns#UnidentifiedPublisher";
        CONTRIBUTION = "https://claimgraph.example/ns#Contribution";
        CLAIMANT = "https://claimgraph.example/ns#claimant";
        MADE_IN = "https://claimgraph.example/ns#madeIn";
        RELAYED_BY = "https://claimgraph.example/ns#relayedBy";
        RELAYS = "https://claimgraph.example/ns#relays";
        ABOUT = "https://claimgraph.example/ns#about";
        STATEMENT = "https://claimgraph.example/ns#statement";
        ANSWERS = "https://claimgraph.example/ns#answers";
        HAS_PROPOSITION = "https://claimgraph.example/ns#hasProposition";
        HAS_QUOTE = "https://claimgraph.example/ns#hasQuote";
        SENTENCE = "https://claimgraph.example/ns#sentence";
        CLAIM_DATE = "https://claimgraph.example/ns#claimDate";
        EVENT_DATE = "https://claimgraph.example/ns#eventDate";
        PUBLICATION_DATE = "https://claimgraph.example/ns#publicationDate";
        DATE_VALUE = "https://claimgraph.example/ns#dateValue";
        DATE_PRECISION = "https://claimgraph.example/ns#datePrecision";
        DATE_TEXT = "https://claimgraph.example/ns#dateText";
        SORT_KEY = "https://claimgraph.example/ns#sortKey";
        PRECISION_DAY = "https://claimgraph.example/ns#DayPrecision";
        PRECISION_MONTH = "https://claimgraph.example/ns#MonthPrecision";
        PRECISION_YEAR = "https://claimgraph.example/ns#YearPrecision";
        PRECISION_MONTH_OF_UNKNOWN_YEAR = "https://claimgraph.example/ns#MonthOfUnknownYearPrecision";
        PRECISION_DAY_OF_UNKNOWN_YEAR = "https://claimgraph.example/ns#DayOfUnknownYearPrecision";
        PRECISION_RELATIVE = "https://claimgraph.example/ns#RelativePrecision";
        ALIAS = "https://claimgraph.example/ns#alias";
        COUNTRY = "https://claimgraph.example/ns#country";
        PART_OF = "https://claimgraph.example/ns#partOf";
        SLUG = "https://claimgraph.example/ns#slug";
        ENTITY_KIND = "https://claimgraph.example/ns#entityKind";
        PUBLISHER = "https://claimgraph.example/ns#publisher";
        AUTHOR = "https://claimgraph.example/ns#author";
        LANGUAGE = "https://claimgraph.example/ns#language";
        REVIEW_STATUS = "https://claimgraph.example/ns#reviewStatus";
        REVIEWED = "https://claimgraph.example/ns#Reviewed";
        MACHINE_DRAFTED = "https://claimgraph.example/ns#MachineDrafted";
        EXTRACTION_METHOD = "https://claimgraph.example/ns#extractionMethod";
        EXTRACTION_VERSION = "https://claimgraph.example/ns#extractionVersion";
        EXTRACTION_RULE = "https://claimgraph.example/ns#extractionRule";
        CONFIDENCE = "https://claimgraph.example/ns#confidence";
        CONTRIBUTED_BY = "https://claimgraph.example/ns#contributedBy";
        CONTENT_HASH = "https://claimgraph.example/ns#contentHash";
        SOURCE_FILE = "https://claimgraph.example/ns#sourceFile";
        NOTE = "https://claimgraph.example/ns#note";
        PROPOSITION_GRAPH = "https://claimgraph.example/ns#PropositionGraph";
        STATUS = "https://claimgraph.example/ns#status";
        STATUS_BASIS = "https://claimgraph.example/ns#statusBasis";
        CORROBORATED_BY = "https://claimgraph.example/ns#corroboratedBy";
        REVIEW = "https://claimgraph.example/ns#review";
        REVIEW_CLASS = "https://claimgraph.example/ns#Review";
    }
}

/// schema.org terms.
pub mod schema {
    use super::*;
    terms! {
        NAME = "http://schema.org/name";
        HEADLINE = "http://schema.org/headline";
        URL = "http://schema.org/url";
        ARTICLE_BODY = "http://schema.org/articleBody";
        IN_LANGUAGE = "http://schema.org/inLanguage";
        PUBLISHER = "http://schema.org/publisher";
        AUTHOR = "http://schema.org/author";
        DATE_PUBLISHED = "http://schema.org/datePublished";
        DESCRIPTION = "http://schema.org/description";
        SAME_AS = "http://schema.org/sameAs";
        MENTIONS = "http://schema.org/mentions";
    }
}

/// PROV-O terms.
pub mod prov {
    use super::*;
    terms! {
        AGENT = "http://www.w3.org/ns/prov#Agent";
        WAS_ATTRIBUTED_TO = "http://www.w3.org/ns/prov#wasAttributedTo";
        GENERATED_AT_TIME = "http://www.w3.org/ns/prov#generatedAtTime";
    }
}

pub mod rdf {
    use super::*;
    terms! {
        TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    }
}

pub mod rdfs {
    use super::*;
    terms! {
        LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
        COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment";
        SUB_CLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
        SUB_PROPERTY_OF = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf";
        CLASS = "http://www.w3.org/2000/01/rdf-schema#Class";
    }
}

pub mod owl {
    use super::*;
    terms! {
        SAME_AS = "http://www.w3.org/2002/07/owl#sameAs";
        CLASS = "http://www.w3.org/2002/07/owl#Class";
        OBJECT_PROPERTY = "http://www.w3.org/2002/07/owl#ObjectProperty";
        DATATYPE_PROPERTY = "http://www.w3.org/2002/07/owl#DatatypeProperty";
    }
}

pub mod oa {
    use super::*;
    terms! {
        SPECIFIC_RESOURCE = "http://www.w3.org/ns/oa#SpecificResource";
        HAS_SOURCE = "http://www.w3.org/ns/oa#hasSource";
        HAS_SELECTOR = "http://www.w3.org/ns/oa#hasSelector";
        TEXT_QUOTE_SELECTOR = "http://www.w3.org/ns/oa#TextQuoteSelector";
        TEXT_POSITION_SELECTOR = "http://www.w3.org/ns/oa#TextPositionSelector";
        EXACT = "http://www.w3.org/ns/oa#exact";
        PREFIX = "http://www.w3.org/ns/oa#prefix";
        SUFFIX = "http://www.w3.org/ns/oa#suffix";
        START = "http://www.w3.org/ns/oa#start";
        END = "http://www.w3.org/ns/oa#end";
    }
}

pub mod skos {
    use super::*;
    terms! {
        PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel";
        ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel";
    }
}

pub mod xsd {
    use super::*;
    terms! {
        DATE = "http://www.w3.org/2001/XMLSchema#date";
        G_YEAR_MONTH = "http://www.w3.org/2001/XMLSchema#gYearMonth";
        G_YEAR = "http://www.w3.org/2001/XMLSchema#gYear";
        G_MONTH = "http://www.w3.org/2001/XMLSchema#gMonth";
        G_MONTH_DAY = "http://www.w3.org/2001/XMLSchema#gMonthDay";
        INTEGER = "http://www.w3.org/2001/XMLSchema#integer";
        DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal";
        BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
        STRING = "http://www.w3.org/2001/XMLSchema#string";
        DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime";
    }
}

/// DCMI terms.
pub mod dct {
    use super::*;
    terms! {
        MODIFIED = "http://purl.org/dc/terms/modified";
    }
}
