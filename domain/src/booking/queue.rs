//! A facility queue on the day: who is being served, who waits, and how long a wait is
//! likely to be. Pure, so that the server's answers, the waiting-hall display and the phone
//! read one definition.
//!
//! Numbers are called in number order among those checked in: a patient who arrives after
//! their number has passed is called next, not sent to the back. The wait of a ticket is the
//! tickets ahead of it times the average service time of the day's last few (called to
//! served), less the time the current one has already taken.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many of the day's latest services the average is taken over: recent enough to follow
/// a doctor who speeds up or slows down, enough not to jump at one long visit.
pub const AVERAGE_OVER: usize = 10;

/// One number of the queue as the server stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub number: u32,
    /// Checked in at reception (or the kiosk); `None` while not arrived.
    pub checked_in_at: Option<DateTime<Utc>>,
    pub called_at: Option<DateTime<Utc>>,
    pub served_at: Option<DateTime<Utc>>,
}

impl Ticket {
    fn waiting(&self) -> bool {
        self.checked_in_at.is_some() && self.called_at.is_none()
    }

    fn being_served(&self) -> bool {
        self.called_at.is_some() && self.served_at.is_none()
    }
}

/// A queue as shown in the waiting hall and to anyone: numbers and times, never names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QueueState {
    pub queue: String,
    pub date: NaiveDate,
    /// The numbers called and not yet done, latest first.
    pub serving: Vec<u32>,
    /// Checked in and not yet called, in the order they will be called.
    pub waiting: Vec<u32>,
    /// Booked for the day and not arrived yet.
    pub not_arrived: u32,
    pub served: u32,
    /// The average of the day's latest services, in seconds; absent before the first one.
    pub average_service_seconds: Option<u32>,
}

/// Where one appointment stands in its queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QueuePosition {
    pub number: u32,
    pub stage: QueueStage,
    /// Numbers to be called before this one (only while waiting).
    pub ahead: Option<u32>,
    /// When this number is likely to be called (only while waiting, once the day has an
    /// average).
    pub estimated_call_at: Option<DateTime<Utc>>,
    pub state: QueueState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum QueueStage {
    /// Booked, not checked in yet.
    NotArrived,
    Waiting,
    /// Called: go in.
    Called,
    Served,
}

/// The queue's state from its tickets (the day's booked and attended appointments).
pub fn queue_state(queue: &str, date: NaiveDate, tickets: &[Ticket]) -> QueueState {
    let mut serving: Vec<&Ticket> = tickets.iter().filter(|t| t.being_served()).collect();
    serving.sort_by_key(|t| std::cmp::Reverse(t.called_at));
    let mut waiting: Vec<u32> = tickets
        .iter()
        .filter(|t| t.waiting())
        .map(|t| t.number)
        .collect();
    waiting.sort_unstable();
    QueueState {
        queue: queue.to_owned(),
        date,
        serving: serving.iter().map(|t| t.number).collect(),
        waiting,
        not_arrived: count(tickets.iter().filter(|t| t.checked_in_at.is_none())),
        served: count(tickets.iter().filter(|t| t.served_at.is_some())),
        average_service_seconds: average_service(tickets),
    }
}

fn count<'a>(tickets: impl Iterator<Item = &'a Ticket>) -> u32 {
    u32::try_from(tickets.count()).unwrap_or(u32::MAX)
}

/// The mean of the latest [`AVERAGE_OVER`] services, called to served.
fn average_service(tickets: &[Ticket]) -> Option<u32> {
    let mut done: Vec<(DateTime<Utc>, i64)> = tickets
        .iter()
        .filter_map(|t| {
            let (called, served) = (t.called_at?, t.served_at?);
            Some((served, (served - called).num_seconds().max(0)))
        })
        .collect();
    if done.is_empty() {
        return None;
    }
    done.sort_by_key(|(served, _)| std::cmp::Reverse(*served));
    done.truncate(AVERAGE_OVER);
    let total: i64 = done.iter().map(|(_, seconds)| seconds).sum();
    let mean = total / i64::try_from(done.len()).unwrap_or(1);
    u32::try_from(mean).ok()
}

/// Where `number` stands, and when it is likely to be called.
pub fn position(
    queue: &str,
    date: NaiveDate,
    tickets: &[Ticket],
    number: u32,
    now: DateTime<Utc>,
) -> Option<QueuePosition> {
    let mine = tickets.iter().find(|t| t.number == number)?;
    let state = queue_state(queue, date, tickets);
    let stage = if mine.served_at.is_some() {
        QueueStage::Served
    } else if mine.called_at.is_some() {
        QueueStage::Called
    } else if mine.checked_in_at.is_some() {
        QueueStage::Waiting
    } else {
        QueueStage::NotArrived
    };
    let ahead = (stage == QueueStage::Waiting).then(|| {
        u32::try_from(state.waiting.iter().filter(|n| **n < number).count()).unwrap_or(u32::MAX)
    });
    let estimated_call_at = match (ahead, state.average_service_seconds) {
        (Some(ahead), Some(average)) => {
            let average = i64::from(average);
            // The one in service now has been at it for a while already.
            let current_left = tickets
                .iter()
                .filter(|t| t.being_served())
                .filter_map(|t| t.called_at)
                .max()
                .map_or(0, |called| (average - (now - called).num_seconds()).max(0));
            let wait = if state.serving.is_empty() {
                average * i64::from(ahead)
            } else {
                current_left + average * i64::from(ahead)
            };
            Some(now + chrono::Duration::seconds(wait))
        }
        _ => None,
    };
    Some(QueuePosition {
        number,
        stage,
        ahead,
        estimated_call_at,
        state,
    })
}

/// How many numbers ahead of a waiting patient the "your turn is near" notice goes out: time
/// to come back from the canteen, not so early that they wait at the door.
pub const NOTICE_AHEAD: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2030-06-01T01:00:00Z")
            .unwrap()
            .to_utc()
            + Duration::minutes(minutes)
    }

    fn ticket(
        number: u32,
        checked_in: Option<i64>,
        called: Option<i64>,
        served: Option<i64>,
    ) -> Ticket {
        Ticket {
            number,
            checked_in_at: checked_in.map(at),
            called_at: called.map(at),
            served_at: served.map(at),
        }
    }

    fn day() -> NaiveDate {
        at(0).date_naive()
    }

    #[test]
    fn numbers_are_called_in_order_among_those_who_came() {
        let tickets = [
            ticket(1, Some(0), Some(1), Some(9)),
            ticket(2, Some(0), Some(9), None),
            ticket(3, None, None, None),
            ticket(5, Some(2), None, None),
            ticket(4, Some(8), None, None),
        ];
        let state = queue_state("kham-noi", day(), &tickets);
        assert_eq!(state.serving, vec![2]);
        assert_eq!(state.waiting, vec![4, 5], "number order, not arrival order");
        assert_eq!((state.not_arrived, state.served), (1, 1));
        assert_eq!(state.average_service_seconds, Some(8 * 60));
    }

    #[test]
    fn the_estimate_counts_those_ahead_and_what_the_current_one_has_left() {
        let tickets = [
            ticket(1, Some(0), Some(0), Some(10)),
            ticket(2, Some(0), Some(10), Some(20)),
            ticket(3, Some(0), Some(20), None),
            ticket(4, Some(1), None, None),
            ticket(6, Some(1), None, None),
        ];
        let mine = position("q", day(), &tickets, 6, at(24)).unwrap();
        assert_eq!(mine.stage, QueueStage::Waiting);
        assert_eq!(mine.ahead, Some(1));
        // Number 3 has 6 of its 10 minutes left, then number 4 takes 10.
        assert_eq!(mine.estimated_call_at, Some(at(24 + 6 + 10)));
        let called = position("q", day(), &tickets, 3, at(24)).unwrap();
        assert_eq!((called.stage, called.ahead), (QueueStage::Called, None));
        assert_eq!(position("q", day(), &tickets, 9, at(24)), None);
    }

    #[test]
    fn without_a_finished_service_there_is_no_estimate() {
        let tickets = [
            ticket(1, Some(0), Some(1), None),
            ticket(2, Some(0), None, None),
        ];
        let mine = position("q", day(), &tickets, 2, at(5)).unwrap();
        assert_eq!(mine.ahead, Some(0));
        assert_eq!(mine.estimated_call_at, None);
    }

    #[test]
    fn the_average_follows_the_latest_services() {
        let mut tickets: Vec<Ticket> = (0..20)
            .map(|i| {
                ticket(
                    i + 1,
                    Some(0),
                    Some(i64::from(i) * 30),
                    Some(i64::from(i) * 30 + 30),
                )
            })
            .collect();
        // Early, long services are forgotten once ten shorter ones have followed.
        for t in tickets.iter_mut().skip(10) {
            t.served_at = t.called_at.map(|c| c + Duration::minutes(5));
        }
        assert_eq!(
            queue_state("q", day(), &tickets).average_service_seconds,
            Some(300)
        );
    }
}
