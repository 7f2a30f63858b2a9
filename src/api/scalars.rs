//! The `Date` scalar.

use crate::model::TimeSpan;
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// An ISO 8601 calendar date, "2021-06-08".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// ISO 8601 calendar date, "2021-06-08"
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => TimeSpan::parse_day(s)
                .map(Date)
                .map_err(|e| InputValueError::custom(format!("a Date is a calendar day written YYYY-MM-DD: {e}"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(crate::model::iso_day(self.0))
    }
}
