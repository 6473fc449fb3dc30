//! Partial dates: a date known to the day, the month or the year, a month or day
//! whose year the text does not give, or only words relative to the article.
//!
//! [`PartialDate::parse`] is the one entry point. It keeps exactly the precision
//! the sheet gives and never invents a missing part: "2019-10" stays a month,
//! "--11-01" (the 1st of November, year unknown) stays a day of an unknown year.
//! Each precision maps to the XSD type that says the same thing (xsd:date,
//! xsd:gYearMonth, xsd:gYear, xsd:gMonthDay, xsd:gMonth).

use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    Day,
    Month,
    Year,
    /// Day and month are known, the year is not ("am 1. November").
    DayOfUnknownYear,
    /// The month is known, the year is not ("im Oktober").
    MonthOfUnknownYear,
    /// Only words relative to the article are known ("am Freitag").
    Relative,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
            Precision::DayOfUnknownYear => "day of unknown year",
            Precision::MonthOfUnknownYear => "month of unknown year",
            Precision::Relative => "relative",
        }
    }
}

/// A date with the precision it is known to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub day: Option<u8>,
    pub precision: Precision,
}

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("'{0}' is not a date: write YYYY-MM-DD, YYYY-MM, YYYY, --MM-DD or --MM")]
    Syntax(String),
    #[error("'{0}' has month {1}, which does not exist")]
    Month(String, u32),
    #[error("'{0}' has day {1}, but that month has {2} days")]
    Day(String, u32, u32),
}

impl PartialDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD` or `--MM`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let syntax = || DateError::Syntax(text.to_owned());
        let s = text.trim();
        let all_digits =
            |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
        if let Some(rest) = s.strip_prefix("--") {
            let parts: Vec<&str> = rest.split('-').collect();
            return match parts.as_slice() {
                [m] if all_digits(m, 2) => {
                    let month = check_month(text, m.parse().map_err(|_| syntax())?)?;
                    Ok(Self {
                        year: None,
                        month: Some(month),
                        day: None,
                        precision: Precision::MonthOfUnknownYear,
                    })
                }
                [m, d] if all_digits(m, 2) && all_digits(d, 2) => {
                    let month = check_month(text, m.parse().map_err(|_| syntax())?)?;
                    // A day of an unknown year may be the 29th of February.
                    let day = check_day(text, None, month, d.parse().map_err(|_| syntax())?)?;
                    Ok(Self {
                        year: None,
                        month: Some(month),
                        day: Some(day),
                        precision: Precision::DayOfUnknownYear,
                    })
                }
                _ => Err(syntax()),
            };
        }
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] if all_digits(y, 4) => Ok(Self {
                year: Some(y.parse().map_err(|_| syntax())?),
                month: None,
                day: None,
                precision: Precision::Year,
            }),
            [y, m] if all_digits(y, 4) && all_digits(m, 2) => Ok(Self {
                year: Some(y.parse().map_err(|_| syntax())?),
                month: Some(check_month(text, m.parse().map_err(|_| syntax())?)?),
                day: None,
                precision: Precision::Month,
            }),
            [y, m, d] if all_digits(y, 4) && all_digits(m, 2) && all_digits(d, 2) => {
                let year: i32 = y.parse().map_err(|_| syntax())?;
                let month = check_month(text, m.parse().map_err(|_| syntax())?)?;
                let day = check_day(text, Some(year), month, d.parse().map_err(|_| syntax())?)?;
                Ok(Self {
                    year: Some(year),
                    month: Some(month),
                    day: Some(day),
                    precision: Precision::Day,
                })
            }
            _ => Err(syntax()),
        }
    }

    /// A date known only through words relative to the article.
    pub fn relative() -> Self {
        Self {
            year: None,
            month: None,
            day: None,
            precision: Precision::Relative,
        }
    }

    /// The lexical form in the XSD type of [`Self::xsd_type`], or `None` for relative dates.
    pub fn lexical(&self) -> Option<String> {
        Some(match (self.year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
            (Some(y), Some(m), None) => format!("{y:04}-{m:02}"),
            (Some(y), None, None) => format!("{y:04}"),
            (None, Some(m), Some(d)) => format!("--{m:02}-{d:02}"),
            (None, Some(m), None) => format!("--{m:02}"),
            _ => return None,
        })
    }

    /// The XSD datatype whose values have exactly this precision.
    pub fn xsd_type(&self) -> Option<oxigraph::model::NamedNodeRef<'static>> {
        use crate::model::vocab::xsd;
        Some(match self.precision {
            Precision::Day => xsd::DATE,
            Precision::Month => xsd::G_YEAR_MONTH,
            Precision::Year => xsd::G_YEAR,
            Precision::DayOfUnknownYear => xsd::G_MONTH_DAY,
            Precision::MonthOfUnknownYear => xsd::G_MONTH,
            Precision::Relative => return None,
        })
    }

    /// A string that sorts dates with a known year chronologically ("2019", "2019-10",
    /// "2019-10-07"); dates without a year sort after them, by month and day.
    pub fn sort_key(&self) -> String {
        match self.year {
            Some(_) => self.lexical().unwrap_or_default(),
            None => format!("~{}", self.lexical().unwrap_or_default()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lexical() {
            Some(l) => f.write_str(&l),
            None => f.write_str("(relative)"),
        }
    }
}

fn check_month(text: &str, month: u32) -> Result<u8, DateError> {
    if (1..=12).contains(&month) {
        Ok(month as u8)
    } else {
        Err(DateError::Month(text.to_owned(), month))
    }
}

fn check_day(text: &str, year: Option<i32>, month: u8, day: u32) -> Result<u8, DateError> {
    let max = days_in_month(year, month);
    if (1..=max).contains(&day) {
        Ok(day as u8)
    } else {
        Err(DateError::Day(text.to_owned(), day, max))
    }
}

fn days_in_month(year: Option<i32>, month: u8) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_precision_it_is_given() {
        assert_eq!(
            PartialDate::parse("2019-10").unwrap().precision,
            Precision::Month
        );
        assert_eq!(
            PartialDate::parse("2025-11-01").unwrap().precision,
            Precision::Day
        );
        assert_eq!(
            PartialDate::parse("2020").unwrap().precision,
            Precision::Year
        );
        let november_first = PartialDate::parse("--11-01").unwrap();
        assert_eq!(november_first.precision, Precision::DayOfUnknownYear);
        assert_eq!(november_first.lexical().unwrap(), "--11-01");
        assert_eq!(
            PartialDate::parse("--10").unwrap().lexical().unwrap(),
            "--10"
        );
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!(matches!(
            PartialDate::parse("2019-02-29"),
            Err(DateError::Day(_, 29, 28))
        ));
        assert!(PartialDate::parse("2020-02-29").is_ok());
        assert!(matches!(
            PartialDate::parse("2019-13"),
            Err(DateError::Month(_, 13))
        ));
        assert!(matches!(
            PartialDate::parse("--04-31"),
            Err(DateError::Day(_, 31, 30))
        ));
        assert!(matches!(
            PartialDate::parse("1. November"),
            Err(DateError::Syntax(_))
        ));
        assert!(matches!(
            PartialDate::parse("20-01-01"),
            Err(DateError::Syntax(_))
        ));
    }

    #[test]
    fn sorts_known_years_before_unknown_ones() {
        let keys: Vec<String> = ["--01", "2019-10", "2019"]
            .iter()
            .map(|d| PartialDate::parse(d).unwrap().sort_key())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, vec!["2019", "2019-10", "~--01"]);
    }
}
