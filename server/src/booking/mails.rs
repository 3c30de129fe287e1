//! The mails of booking, in the language of the account that booked: a confirmation with a
//! calendar file, a reminder, and a cancellation notice whose calendar file removes the
//! event. Subjects stay generic (no facility, specialty or name) so that lock screens show
//! nothing about a person's health.

use super::entities::appointment;
use crate::mail::{Attachment, OutgoingEmail};
use base64::Engine;
use chrono::{DateTime, Datelike, Utc};
use healthbook_domain::booking::ics::{CalendarEvent, render};
use healthbook_domain::booking::rules::cancellable_until;
use healthbook_domain::booking::time::{format_time, to_local};
use healthbook_domain::booking::{AppointmentCode, Policy};
use healthbook_domain::facility::{ServiceType, specialty};
use healthbook_domain::{Lang, Sensitive};

/// Who the mail goes to and what it names.
#[derive(Debug, Clone)]
pub struct MailContext {
    pub booker_email: String,
    pub booker_name: String,
    pub lang: Lang,
    pub citizen_name: String,
    /// The booker is a guardian booking for a dependent.
    pub for_dependent: bool,
    pub facility_name: String,
    pub facility_address: String,
    /// The sender's address, the organiser of the calendar event.
    pub organizer_email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Confirmation,
    Rescheduled,
    Reminder,
}

fn service_name(service: &str, lang: Lang) -> &'static str {
    match (ServiceType::parse(service), lang) {
        (Some(ServiceType::Vaccination), Lang::Vi) => "Tiêm chủng",
        (Some(ServiceType::Vaccination), Lang::En) => "Vaccination",
        (Some(ServiceType::Teleconsultation), Lang::Vi) => "Tư vấn khám bệnh từ xa",
        (Some(ServiceType::Teleconsultation), Lang::En) => "Teleconsultation",
        (_, Lang::Vi) => "Khám bệnh",
        (_, Lang::En) => "Medical examination",
    }
}

fn specialty_name(code: Option<&str>, lang: Lang) -> Option<&'static str> {
    let s = specialty(code?)?;
    Some(match lang {
        Lang::Vi => s.name_vi,
        Lang::En => s.name_en,
    })
}

fn when(instant: DateTime<Utc>, lang: Lang) -> String {
    let local = to_local(instant);
    let date = local.date();
    let time = format_time(local.time());
    match lang {
        Lang::Vi => {
            let day = match date.weekday().number_from_monday() {
                1 => "Thứ Hai",
                2 => "Thứ Ba",
                3 => "Thứ Tư",
                4 => "Thứ Năm",
                5 => "Thứ Sáu",
                6 => "Thứ Bảy",
                _ => "Chủ Nhật",
            };
            format!("{time}, {day} {}", date.format("%d/%m/%Y"))
        }
        Lang::En => format!("{time} on {}", date.format("%A %-d %B %Y")),
    }
}

fn code_of(row: &appointment::Model) -> String {
    AppointmentCode::parse(&row.code)
        .map(|c| c.display())
        .unwrap_or_else(|_| row.code.clone())
}

/// The lines that every mail about the appointment repeats.
fn facts(ctx: &MailContext, row: &appointment::Model, lang: Lang) -> String {
    let mut lines = Vec::new();
    let service = service_name(&row.service, lang);
    let specialty = specialty_name(row.specialty.as_deref(), lang);
    let place = format!("{}, {}", ctx.facility_name, ctx.facility_address);
    match lang {
        Lang::Vi => {
            if ctx.for_dependent {
                lines.push(format!("Người được khám: {}", ctx.citizen_name));
            }
            lines.push(format!(
                "Dịch vụ: {service}{}",
                specialty.map(|s| format!(" – {s}")).unwrap_or_default()
            ));
            lines.push(format!("Thời gian: {}", when(row.starts_at, lang)));
            lines.push(format!("Địa điểm: {place}"));
            if let Some(room) = &row.room {
                lines.push(format!("Phòng: {room}"));
            }
            lines.push(format!("Số thứ tự: {} ({})", row.queue_number, row.queue));
            lines.push(format!("Mã lịch hẹn: {}", code_of(row)));
        }
        Lang::En => {
            if ctx.for_dependent {
                lines.push(format!("Patient: {}", ctx.citizen_name));
            }
            lines.push(format!(
                "Service: {service}{}",
                specialty.map(|s| format!(" – {s}")).unwrap_or_default()
            ));
            lines.push(format!("When: {}", when(row.starts_at, lang)));
            lines.push(format!("Where: {place}"));
            if let Some(room) = &row.room {
                lines.push(format!("Room: {room}"));
            }
            lines.push(format!(
                "Queue number: {} ({})",
                row.queue_number, row.queue
            ));
            lines.push(format!("Appointment code: {}", code_of(row)));
        }
    }
    lines.join("\n")
}

fn event(
    ctx: &MailContext,
    row: &appointment::Model,
    lang: Lang,
    stamp: DateTime<Utc>,
    cancelled: bool,
) -> CalendarEvent {
    let service = service_name(&row.service, lang);
    CalendarEvent {
        uid: format!("{}@healthbook.vn", row.id),
        sequence: u32::try_from(row.revision).unwrap_or(0),
        stamp,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        summary: format!("{service} – {}", ctx.facility_name),
        location: match &row.room {
            Some(room) => format!("{}, {} ({room})", ctx.facility_name, ctx.facility_address),
            None => format!("{}, {}", ctx.facility_name, ctx.facility_address),
        },
        description: facts(ctx, row, lang),
        organizer_name: ctx.facility_name.clone(),
        organizer_email: ctx.organizer_email.clone(),
        cancelled,
        alarm_minutes: if cancelled { 0 } else { 60 },
    }
}

fn calendar_file(event: &CalendarEvent) -> Attachment {
    let method = if event.cancelled { "CANCEL" } else { "PUBLISH" };
    Attachment {
        filename: "lich-hen.ics".to_owned(),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content_base64: base64::engine::general_purpose::STANDARD.encode(render(event)),
    }
}

const SIGNATURE_VI: &str = "\n\n—\nSổ sức khỏe điện tử HealthBook";
const SIGNATURE_EN: &str = "\n\n—\nHealthBook electronic health book";

fn email(ctx: &MailContext, subject: &str, body: String, attachment: Attachment) -> OutgoingEmail {
    OutgoingEmail {
        attachments: vec![attachment],
        ..text_email(ctx, subject, body)
    }
}

/// A mail to the booker with no calendar file: nothing was booked or changed by it.
fn text_email(ctx: &MailContext, subject: &str, body: String) -> OutgoingEmail {
    OutgoingEmail {
        recipient: Sensitive::new(ctx.booker_email.clone()),
        subject: subject.to_owned(),
        body_text: body,
        body_html: None,
        attachments: Vec::new(),
    }
}

/// A confirmation (new or moved appointment) or the reminder before it.
pub fn appointment_mail(
    kind: Kind,
    ctx: &MailContext,
    row: &appointment::Model,
    policy: &Policy,
    stamp: DateTime<Utc>,
) -> OutgoingEmail {
    let lang = ctx.lang;
    let name = &ctx.booker_name;
    let facts = facts(ctx, row, lang);
    let deadline = when(cancellable_until(row.starts_at, policy.cancel_cutoff), lang);
    let (subject, intro, outro) = match (kind, lang) {
        (Kind::Confirmation, Lang::Vi) => (
            "Xác nhận lịch hẹn",
            "Lịch hẹn của bạn đã được đặt.",
            format!(
                "Vui lòng đến trước giờ hẹn và đưa mã lịch hẹn (hoặc mã QR trong ứng dụng) tại quầy tiếp đón. Bạn có thể hủy hoặc đổi lịch đến {deadline}."
            ),
        ),
        (Kind::Confirmation, Lang::En) => (
            "Your appointment is confirmed",
            "Your appointment is booked.",
            format!(
                "Please arrive before the time and show the appointment code (or the QR code in the app) at reception. You can cancel or reschedule until {deadline}."
            ),
        ),
        (Kind::Rescheduled, Lang::Vi) => (
            "Lịch hẹn đã được đổi",
            "Lịch hẹn của bạn đã được chuyển sang thời gian mới.",
            format!("Bạn có thể hủy hoặc đổi lịch đến {deadline}."),
        ),
        (Kind::Rescheduled, Lang::En) => (
            "Your appointment was moved",
            "Your appointment was moved to a new time.",
            format!("You can cancel or reschedule until {deadline}."),
        ),
        (Kind::Reminder, Lang::Vi) => (
            "Nhắc lịch hẹn",
            "Nhắc bạn lịch hẹn sắp tới.",
            "Nếu không thể đến, vui lòng hủy lịch để nhường chỗ cho người khác.".to_owned(),
        ),
        (Kind::Reminder, Lang::En) => (
            "Appointment reminder",
            "A reminder of your upcoming appointment.",
            "If you cannot come, please cancel so that someone else can take the place.".to_owned(),
        ),
    };
    let (hello, signature) = match lang {
        Lang::Vi => (format!("Xin chào {name},"), SIGNATURE_VI),
        Lang::En => (format!("Hello {name},"), SIGNATURE_EN),
    };
    let body = format!("{hello}\n\n{intro}\n\n{facts}\n\n{outro}{signature}");
    let file = calendar_file(&event(ctx, row, lang, stamp, false));
    email(ctx, subject, body, file)
}

/// The notice that an appointment was cancelled, by the citizen or by the facility.
pub fn cancellation(
    ctx: &MailContext,
    row: &appointment::Model,
    by_facility: bool,
    reason: Option<&str>,
    stamp: DateTime<Utc>,
) -> OutgoingEmail {
    let lang = ctx.lang;
    let name = &ctx.booker_name;
    let facts = facts(ctx, row, lang);
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let body = match lang {
        Lang::Vi => {
            let intro = if by_facility {
                "Rất tiếc, cơ sở y tế đã hủy lịch hẹn dưới đây. Vui lòng đặt lịch khác trong ứng dụng."
            } else {
                "Lịch hẹn dưới đây đã được hủy theo yêu cầu của bạn."
            };
            let reason = reason.map(|r| format!("\nLý do: {r}")).unwrap_or_default();
            format!("Xin chào {name},\n\n{intro}\n\n{facts}{reason}{SIGNATURE_VI}")
        }
        Lang::En => {
            let intro = if by_facility {
                "We are sorry: the facility cancelled the appointment below. Please book another one in the app."
            } else {
                "The appointment below was cancelled as you asked."
            };
            let reason = reason.map(|r| format!("\nReason: {r}")).unwrap_or_default();
            format!("Hello {name},\n\n{intro}\n\n{facts}{reason}{SIGNATURE_EN}")
        }
    };
    let subject = match lang {
        Lang::Vi => "Lịch hẹn đã bị hủy",
        Lang::En => "Your appointment was cancelled",
    };
    let file = calendar_file(&event(ctx, row, lang, stamp, true));
    email(ctx, subject, body, file)
}

/// A place of a full slot, offered from its waitlist and held until `until`: booking the slot
/// in the app before then takes it. No calendar file: nothing is booked yet.
pub fn waitlist_offer(
    ctx: &MailContext,
    service: &str,
    specialty: Option<&str>,
    starts_at: DateTime<Utc>,
    until: DateTime<Utc>,
) -> OutgoingEmail {
    let lang = ctx.lang;
    let name = &ctx.booker_name;
    let service = service_name(service, lang);
    let specialty = specialty_name(specialty, lang)
        .map(|s| format!(" – {s}"))
        .unwrap_or_default();
    let place = format!("{}, {}", ctx.facility_name, ctx.facility_address);
    let (subject, body) = match lang {
        Lang::Vi => {
            let patient = if ctx.for_dependent {
                format!("Người được khám: {}\n", ctx.citizen_name)
            } else {
                String::new()
            };
            (
                "Có chỗ trống cho bạn",
                format!(
                    "Xin chào {name},\n\nMột chỗ vừa trống ở khung giờ bạn đang chờ và đang được giữ cho bạn đến {}. Hãy mở ứng dụng và đặt lịch trước thời điểm đó; sau đó chỗ sẽ được nhường cho người chờ tiếp theo.\n\n{patient}Dịch vụ: {service}{specialty}\nThời gian: {}\nĐịa điểm: {place}{SIGNATURE_VI}",
                    when(until, lang),
                    when(starts_at, lang),
                ),
            )
        }
        Lang::En => {
            let patient = if ctx.for_dependent {
                format!("Patient: {}\n", ctx.citizen_name)
            } else {
                String::new()
            };
            (
                "A place is free for you",
                format!(
                    "Hello {name},\n\nA place has freed up in the slot you are waiting for, and it is held for you until {}. Open the app and book it before then; after that it goes to the next person waiting.\n\n{patient}Service: {service}{specialty}\nTime: {}\nPlace: {place}{SIGNATURE_EN}",
                    when(until, lang),
                    when(starts_at, lang),
                ),
            )
        }
    };
    text_email(ctx, subject, body)
}

/// The patient's turn is near: `ahead` numbers are left before theirs.
pub fn turn_near(ctx: &MailContext, row: &appointment::Model, ahead: u32) -> OutgoingEmail {
    let lang = ctx.lang;
    let name = &ctx.booker_name;
    let room = row.room.as_deref();
    let (subject, body) = match lang {
        Lang::Vi => {
            let room = room.map(|r| format!(" Phòng: {r}.")).unwrap_or_default();
            let patient = if ctx.for_dependent {
                format!(" của {}", ctx.citizen_name)
            } else {
                String::new()
            };
            (
                "Sắp đến lượt khám",
                format!(
                    "Xin chào {name},\n\nSố thứ tự {}{patient} ({}) còn {ahead} số nữa là đến lượt. Vui lòng có mặt gần khu vực chờ.{room}\n\n{}{SIGNATURE_VI}",
                    row.queue_number, row.queue, ctx.facility_name
                ),
            )
        }
        Lang::En => {
            let room = room.map(|r| format!(" Room: {r}.")).unwrap_or_default();
            let patient = if ctx.for_dependent {
                format!(" ({})", ctx.citizen_name)
            } else {
                String::new()
            };
            (
                "Your turn is near",
                format!(
                    "Hello {name},\n\nNumber {}{patient} in queue {} has {ahead} more before its turn. Please stay near the waiting area.{room}\n\n{}{SIGNATURE_EN}",
                    row.queue_number, row.queue, ctx.facility_name
                ),
            )
        }
    };
    text_email(ctx, subject, body)
}
