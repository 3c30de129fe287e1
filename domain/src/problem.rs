//! The vocabulary of problems: every stable `code` the server puts in an
//! `application/problem+json` body, each with what to tell a person in either language.
//!
//! The codes are defined here once. The server renders them; the mobile core matches on them
//! and hands the apps the message, so no app carries a sentence of its own for a code. A code
//! never changes meaning once published: apps switch on it. Codes of single fields (the
//! `errors[].code` of a 422, such as `national_id_invalid`) belong to the rule that checks the
//! field, through [`crate::Localized`].

use crate::i18n::{Lang, Localized};
use std::fmt;

/// Declares the codes in one table, so that the code, its variant and its messages cannot
/// drift apart.
macro_rules! problem_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, vi: $vi:literal, en: $en:literal; )*) => {
        /// A stable problem code. [`ProblemCode::as_str`] is what travels; [`ProblemCode::parse`]
        /// reads it back (a code this build does not know is `None`, never an error: servers
        /// are newer than apps).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ProblemCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ProblemCode] = &[ $( ProblemCode::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( ProblemCode::$variant => $code, )*
                }
            }

            /// What to tell a person, in their language.
            pub fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (ProblemCode::$variant, Lang::Vi) => $vi,
                        (ProblemCode::$variant, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}

problem_codes! {
    // The request as a whole, whatever the route.
    BadRequest = "bad_request",
        vi: "Yêu cầu không hợp lệ.",
        en: "The request is not valid.";
    /// A 422 whose `errors` name each invalid field.
    ValidationFailed = "validation_failed",
        vi: "Dữ liệu gửi lên không hợp lệ. Xem chi tiết từng trường.",
        en: "The request is not valid. See the errors of each field.";
    /// The body is not JSON; the server's detail names the line and column.
    MalformedJson = "malformed_json",
        vi: "JSON không hợp lệ.",
        en: "Malformed JSON.";
    /// Also the answer for what the caller may not see: it must not learn that it exists.
    NotFound = "not_found",
        vi: "Không tìm thấy tài nguyên được yêu cầu.",
        en: "The requested resource was not found.";
    MethodNotAllowed = "method_not_allowed",
        vi: "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
        en: "This HTTP method is not allowed here.";
    PayloadTooLarge = "payload_too_large",
        vi: "Nội dung yêu cầu quá lớn.",
        en: "The request body is too large.";
    RequestTimeout = "request_timeout",
        vi: "Yêu cầu xử lý quá lâu và đã bị dừng.",
        en: "The request took too long and was stopped.";
    UnsupportedMediaType = "unsupported_media_type",
        vi: "Kiểu nội dung không được hỗ trợ; hãy gửi application/json.",
        en: "Unsupported content type; send application/json.";
    IdempotencyKeyReused = "idempotency_key_reused",
        vi: "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
        en: "This Idempotency-Key was already used for a different request.";
    /// A write lost a race for a unique number or address.
    UniqueViolation = "unique_violation",
        vi: "Yêu cầu khác vừa ghi cùng dữ liệu này. Vui lòng thử lại.",
        en: "Another request just wrote the same data. Please try again.";
    InternalError = "internal_error",
        vi: "Đã có lỗi ngoài dự kiến. Vui lòng thử lại sau.",
        en: "Something went wrong on our side. Please try again later.";
    /// The database, the cache or the registry cannot be reached; see
    /// [`service_unavailable_message`] for the form that names which.
    ServiceUnavailable = "service_unavailable",
        vi: "Dịch vụ tạm thời không sẵn sàng. Vui lòng thử lại sau.",
        en: "The service is temporarily unavailable. Please try again later.";
    /// `/ready`: a dependency of the process is down.
    NotReady = "not_ready",
        vi: "Dịch vụ chưa sẵn sàng.",
        en: "The service is not ready.";

    // Identity and access.
    Unauthenticated = "unauthenticated",
        vi: "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
        en: "Your session is missing, expired or revoked. Please sign in again.";
    /// Health data and staff actions need a session opened with a passkey.
    StepUpRequired = "step_up_required",
        vi: "Thao tác này cần đăng nhập bằng khóa truy cập (passkey).",
        en: "This needs a session opened with a passkey.";
    Forbidden = "forbidden",
        vi: "Bạn không có quyền thực hiện thao tác này.",
        en: "You are not allowed to do this.";
    /// Wrong, expired, used or exhausted: one answer for all, on purpose.
    InvalidCode = "invalid_code",
        vi: "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy yêu cầu mã mới.",
        en: "The code is wrong, expired or already used. Ask for a new one.";
    AccountLocked = "account_locked",
        vi: "Tài khoản đang bị khóa. Vui lòng thử lại sau hoặc liên hệ bộ phận hỗ trợ.",
        en: "The account is locked. Try again later or contact support.";
    PasskeyRejected = "passkey_rejected",
        vi: "Không xác thực được khóa truy cập. Vui lòng thử lại.",
        en: "The passkey could not be verified. Please try again.";
    /// Staff administration only: a citizen's registration never says an address is taken.
    EmailAlreadyRegistered = "email_already_registered",
        vi: "Địa chỉ email này đã được dùng cho một tài khoản khác.",
        en: "This email address is already used by another account.";
    EmailNotVerified = "email_not_verified",
        vi: "Hãy xác minh địa chỉ email trước.",
        en: "Verify your email address first.";
    LastPasskey = "last_passkey",
        vi: "Không thể xóa khóa truy cập cuối cùng. Hãy thêm khóa khác trước.",
        en: "The last passkey cannot be removed. Add another one first.";
    RateLimited = "rate_limited",
        vi: "Bạn đã thử quá nhiều lần. Vui lòng đợi rồi thử lại.",
        en: "Too many attempts. Please wait and try again.";
    RegistryMismatch = "registry_mismatch",
        vi: "Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
        en: "The details do not match the national population database.";
    RegistryUnavailable = "registry_unavailable",
        vi: "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vui lòng thử lại sau.",
        en: "The national population database cannot be reached. Please try again later.";
    TooManyGuardians = "too_many_guardians",
        vi: "Một trẻ có tối đa hai người giám hộ.",
        en: "A child can have at most two guardians.";
    RecoveryNotReady = "recovery_not_ready",
        vi: "Yêu cầu khôi phục đang trong thời gian chờ để chủ tài khoản có thể hủy nếu không phải họ. Vui lòng thử lại sau.",
        en: "The recovery is waiting, so that the owner can cancel it if it was not them. Try again later.";
    RecoveryInvalid = "recovery_invalid",
        vi: "Yêu cầu khôi phục không tồn tại, đã bị hủy, đã hết hạn hoặc đã được dùng.",
        en: "The recovery is unknown, cancelled, expired or already completed.";

    // Support staff.
    SecondOfficerRequired = "second_officer_required",
        vi: "Yêu cầu này cần một cán bộ hỗ trợ khác phê duyệt.",
        en: "Another support officer must approve this request.";
    ApprovalNotPending = "approval_not_pending",
        vi: "Yêu cầu này đã được xử lý hoặc đã hết hạn.",
        en: "This request was already decided or has expired.";
    AlreadyVerified = "already_verified",
        vi: "Địa chỉ email này đã được xác minh.",
        en: "This address is already verified.";

    // Booking.
    SlotNotFound = "slot_not_found",
        vi: "Không tìm thấy khung giờ này.",
        en: "There is no such slot.";
    SlotFull = "slot_full",
        vi: "Khung giờ này đã hết chỗ. Hãy chọn khung giờ khác.",
        en: "This slot is full. Please choose another one.";
    SlotClosed = "slot_closed",
        vi: "Khung giờ này đã đóng (ngày nghỉ hoặc cơ sở tạm ngừng).",
        en: "This slot is closed (a holiday or a closure).";
    SlotInPast = "slot_in_past",
        vi: "Khung giờ này đã qua.",
        en: "This slot is in the past.";
    WrongService = "wrong_service",
        vi: "Khung giờ này thuộc dịch vụ khác.",
        en: "This slot is for another service.";
    WrongFacility = "wrong_facility",
        vi: "Chỉ đổi lịch sang khung giờ cùng cơ sở.",
        en: "An appointment can only move to a slot of the same facility.";
    SameSlot = "same_slot",
        vi: "Lịch hẹn đã ở khung giờ này.",
        en: "The appointment is already in this slot.";
    SlotNotFull = "slot_not_full",
        vi: "Khung giờ này vẫn còn chỗ: hãy đặt lịch ngay.",
        en: "This slot still has places: book it instead.";
    AlreadyBooked = "already_booked",
        vi: "Người này đã đặt khung giờ này rồi.",
        en: "This person already holds a booking in this slot.";
    /// See [`too_many_appointments_message`] for the form that names the cap.
    TooManyAppointments = "too_many_appointments",
        vi: "Người này đã giữ số lịch hẹn sắp tới tối đa.",
        en: "This person already holds the most upcoming appointments allowed.";
    AppointmentNotActive = "appointment_not_active",
        vi: "Lịch hẹn này không còn hiệu lực (đã hủy, đã tiếp đón hoặc vắng mặt).",
        en: "This appointment is no longer active (cancelled, checked in or missed).";
    CancellationTooLate = "cancellation_too_late",
        vi: "Đã quá thời hạn hủy hoặc đổi lịch hẹn này.",
        en: "It is too late to cancel or reschedule this appointment.";
    CheckInNotToday = "check_in_not_today",
        vi: "Chỉ có thể tiếp đón vào đúng ngày hẹn.",
        en: "Check-in is only possible on the day of the appointment.";
    NoShowTooEarly = "no_show_too_early",
        vi: "Chỉ ghi nhận vắng mặt sau giờ hẹn.",
        en: "A no-show can only be recorded after the appointment time.";
    ScheduleConflict = "schedule_conflict",
        vi: "Lịch trùng giờ với một lịch khác của cùng phòng hoặc cùng người hành nghề.",
        en: "The schedule overlaps another schedule of the same room or practitioner.";
    /// Sessions of one schedule overlap each other; the `errors` name them.
    ScheduleOverlap = "schedule_overlap",
        vi: "Các buổi trong lịch bị trùng giờ nhau.",
        en: "Sessions of the schedule overlap.";
    ServiceNotOffered = "service_not_offered",
        vi: "Cơ sở không cung cấp dịch vụ này.",
        en: "The facility does not offer this service.";
    UnknownPractitioner = "unknown_practitioner",
        vi: "Người hành nghề không làm việc tại cơ sở này.",
        en: "The practitioner does not work at this facility.";
    UnknownRoom = "unknown_room",
        vi: "Cơ sở không có phòng này.",
        en: "The facility has no such room.";
    UnknownSchedule = "unknown_schedule",
        vi: "Cơ sở không có lịch này.",
        en: "The facility has no such schedule.";
    FacilityCodeTaken = "facility_code_taken",
        vi: "Mã cơ sở này đã được dùng.",
        en: "This facility code is already in use.";
    LicenceNumberTaken = "licence_number_taken",
        vi: "Số chứng chỉ hành nghề này đã có.",
        en: "This licence number is already registered.";
    /// The staff account already signs in as another practitioner.
    PractitionerAccountTaken = "practitioner_account_taken",
        vi: "Tài khoản này đã gắn với một người hành nghề khác.",
        en: "This account already signs in as another practitioner.";

    // Certificates.
    CertificateOutlivesSigner = "certificate_outlives_signer",
        vi: "Chứng nhận không thể có hiệu lực lâu hơn chứng thư của khóa ký.",
        en: "A certificate cannot stay valid longer than its signer's certificate.";
    CertificateTypeNotAllowed = "certificate_type_not_allowed",
        vi: "Khóa ký hiện tại không được phép ký loại chứng nhận này.",
        en: "The current signing key may not sign this type of certificate.";
    CertificateSchemaViolation = "certificate_schema_violation",
        vi: "Dữ liệu chứng nhận không theo đúng lược đồ DCC.",
        en: "The certificate's data does not follow the DCC schema.";

    // The health book.
    /// The entry or section changed since the version the change was made on.
    VersionConflict = "version_conflict",
        vi: "Mục này vừa được cập nhật ở nơi khác. Hãy tải lại rồi sửa trên phiên bản mới nhất.",
        en: "This entry was changed elsewhere. Reload it and make the change on the latest version.";
    /// A kind the book holds once (administrative data, risk factors) already has an entry.
    EntryExists = "entry_exists",
        vi: "Sổ đã có mục này; hãy sửa mục hiện có.",
        en: "The book already has this entry; correct the existing one.";
    /// Only its author's side may correct an entry: the citizen their own, a facility its own.
    NotTheAuthor = "not_the_author",
        vi: "Chỉ nơi đã ghi mục này mới được sửa nó. Bạn có thể gửi yêu cầu sửa tới cơ sở đó.",
        en: "Only whoever wrote this entry may correct it. You can send a correction request to that facility.";
    /// The consent was already withdrawn or has ended.
    ConsentNotActive = "consent_not_active",
        vi: "Sự đồng ý này đã được rút lại hoặc đã hết hạn.",
        en: "This consent was already withdrawn or has ended.";
    /// A request about one's data was already answered (or, to acknowledge, acknowledged).
    RequestClosed = "request_closed",
        vi: "Yêu cầu này đã được xử lý.",
        en: "This request was already handled.";
    /// The break-glass opening was already reviewed.
    AlreadyReviewed = "already_reviewed",
        vi: "Lần truy cập khẩn cấp này đã được xem xét.",
        en: "This emergency access was already reviewed.";

    /// The feedback was already answered.
    FeedbackAnswered = "feedback_answered",
        vi: "Phản ánh này đã được trả lời.",
        en: "This feedback was already answered.";
    /// A reaction's follow-up was already closed.
    FollowUpClosed = "follow_up_closed",
        vi: "Việc theo dõi phản ứng này đã được kết thúc.",
        en: "The follow-up of this reaction was already closed.";
    // Vaccination: doses given elsewhere, imported as FHIR R4 Immunization (`fhir::exchange`).
    /// Not JSON, not an Immunization, or an element of the wrong shape.
    FhirMalformed = "fhir_malformed",
        vi: "Dữ liệu không phải là một Immunization FHIR R4 hợp lệ.",
        en: "This is not a valid FHIR R4 Immunization.";
    /// The resource has no identifier (system and value) of its source system.
    FhirSourceIdMissing = "fhir_source_id_missing",
        vi: "Mũi tiêm không có mã định danh của hệ thống nguồn.",
        en: "The dose has no identifier of its source system.";
    /// Not a dose given (`not-done`), or an error mark for a dose never imported.
    FhirStatusNotCompleted = "fhir_status_not_completed",
        vi: "Chỉ nhận mũi tiêm đã tiêm, hoặc hủy một mũi đã nhập trước đó.",
        en: "Only doses given are imported, or the withdrawal of one imported before.";
    /// No coding of the vaccine catalogue's code system names a known vaccine.
    FhirUnknownVaccineCode = "fhir_unknown_vaccine_code",
        vi: "Mã vắc xin không có trong danh mục.",
        en: "The vaccine code is not in the catalogue.";
    /// No citizen has that national identifier and birth date.
    FhirPatientNotMatched = "fhir_patient_not_matched",
        vi: "Không tìm thấy người có số định danh và ngày sinh này.",
        en: "Nobody matches this identification number and birth date.";
    /// The resource does not say on which day the dose was given.
    FhirOccurrenceMissing = "fhir_occurrence_missing",
        vi: "Thiếu ngày tiêm.",
        en: "The day the dose was given is missing.";
    /// The day of the dose is after today.
    FhirOccurrenceInFuture = "fhir_occurrence_in_future",
        vi: "Ngày tiêm ở tương lai.",
        en: "The day the dose was given is in the future.";

    // Vaccination: a dose checked against the person's schedule (`vaccine::due::check_dose`).
    /// The catalogue has no vaccine by that code.
    UnknownVaccine = "unknown_vaccine",
        vi: "Danh mục không có vắc xin này.",
        en: "The catalogue has no such vaccine.";
    /// The vaccine has no product by that name.
    UnknownProduct = "unknown_product",
        vi: "Vắc xin này không có sản phẩm mang tên đó.",
        en: "This vaccine has no product by that name.";
    /// The dose may not be given yet; the problem names the earliest day.
    DoseTooEarly = "dose_too_early",
        vi: "Chưa đến lúc tiêm mũi này. Xem ngày sớm nhất có thể tiêm.",
        en: "This dose may not be given yet. See the earliest day it may be.";
    /// The person is past the age at which this dose may be given; the problem names the day
    /// the limit was reached.
    DoseTooLate = "dose_too_late",
        vi: "Người này đã quá tuổi được tiêm mũi này. Xem ngày hết hạn tuổi tiêm.",
        en: "This person is past the age at which this dose may be given. See the day the limit was reached.";
    /// A serious reaction to a vaccine covering the same disease was recorded.
    DoseContraindicated = "dose_contraindicated",
        vi: "Người này đã có phản ứng nặng sau một mũi vắc xin phòng cùng bệnh; không tiêm tiếp.",
        en: "This person had a serious reaction to a vaccine against the same disease; no further dose is given.";
    /// A live vaccine for a pregnant woman.
    LiveVaccineInPregnancy = "live_vaccine_in_pregnancy",
        vi: "Không tiêm vắc xin sống cho phụ nữ đang mang thai.",
        en: "Live vaccines are not given during pregnancy.";
    /// A dose recorded for a day ahead, or further back than a late recording may go.
    DoseDayOutOfRange = "dose_day_out_of_range",
        vi: "Ngày tiêm phải là hôm nay hoặc trong 7 ngày trước; mũi tiêm cũ hơn được nhập như tiền sử tiêm chủng.",
        en: "The day of the dose must be today or within the last 7 days; older doses are entered as vaccination history.";
    /// Every disease the vaccine covers is already complete for this person.
    SeriesComplete = "series_complete",
        vi: "Người này đã tiêm đủ các mũi của vắc xin này.",
        en: "This person has had every dose of this vaccine.";
    /// The programme does not offer the vaccine in the person's province yet (its roadmap).
    NotOfferedInProvince = "not_offered_in_province",
        vi: "Chương trình tiêm chủng mở rộng chưa triển khai vắc xin này tại tỉnh của người này.",
        en: "The national programme does not offer this vaccine in this person's province yet.";
    /// A province's roll-out record names an antigen the whole country's programme offers.
    NotARoadmapAntigen = "not_a_roadmap_antigen",
        vi: "Chỉ vắc xin triển khai theo lộ trình (rota, phế cầu) mới được khai báo theo tỉnh.",
        en: "Only the vaccines rolled out by the roadmap (rotavirus, pneumococcal) are recorded per province.";

    // Vaccine stock (`vaccine::stock`).
    /// The facility holds no such lot: also the answer for another facility's lot.
    LotNotFound = "lot_not_found",
        vi: "Cơ sở không có lô vắc xin này.",
        en: "The facility holds no such vaccine lot.";
    LotExpired = "lot_expired",
        vi: "Lô vắc xin này đã hết hạn; chỉ có thể hủy (xuất hủy).",
        en: "This vaccine lot has expired; it can only be written off.";
    /// A cold-chain incident or a cluster of reactions; a review may release it.
    LotQuarantined = "lot_quarantined",
        vi: "Lô vắc xin này đang bị tạm dừng sử dụng chờ xem xét.",
        en: "This vaccine lot is quarantined pending review.";
    /// The vaccine vial monitor reached stage 3 or 4.
    LotPastVvmDiscardPoint = "lot_past_vvm_discard_point",
        vi: "Chỉ thị nhiệt (VVM) của lô này đã đến điểm loại bỏ; không được sử dụng.",
        en: "This lot's vaccine vial monitor has reached the discard point; it may not be used.";
    /// Fewer doses are left at the facility than the movement needs.
    LotExhausted = "lot_exhausted",
        vi: "Cơ sở không còn đủ liều của lô này.",
        en: "The facility does not have enough doses of this lot left.";
    /// A receipt names a known lot (same product and lot number) with other details.
    LotDetailsDiffer = "lot_details_differ",
        vi: "Lô này đã được ghi nhận với thông tin khác (hạn dùng, nhà sản xuất, số liều mỗi lọ hoặc vắc xin).",
        en: "This lot is already recorded with other details (expiry, manufacturer, doses per vial or vaccine).";
    /// The lot is not quarantined: there is nothing to release.
    LotNotQuarantined = "lot_not_quarantined",
        vi: "Lô này không bị tạm dừng sử dụng.",
        en: "This lot is not quarantined.";
    /// An allocation must go one level down (province → district → commune station).
    AllocationNotDownstream = "allocation_not_downstream",
        vi: "Chỉ phân bổ xuống tuyến dưới liền kề trong cùng tỉnh; hãy dùng điều chuyển.",
        en: "An allocation goes one level down within the province; use a transfer instead.";
    /// The facility receiving a transfer or an allocation does not exist.
    UnknownFacility = "unknown_facility",
        vi: "Không có cơ sở nhận này.",
        en: "There is no such receiving facility.";
    /// The wasted doses are more than one opened vial held.
    OpenedVialTooMany = "opened_vial_too_many",
        vi: "Hao hụt do lọ đã mở chỉ tính phần còn lại của một lọ nhiều liều.",
        en: "Opened-vial wastage is at most the rest of one multi-dose vial.";

    // Administering a dose (`POST /v1/immunizations`).
    /// The pre-vaccination screening found a contraindication: this vaccine is not given.
    ScreeningContraindicates = "screening_contraindicates",
        vi: "Khám sàng lọc cho thấy chống chỉ định với vắc xin này; không tiêm.",
        en: "The screening found a contraindication to this vaccine; it is not given.";
    /// The screening found a reason to wait (fever, an acute illness): come back later.
    ScreeningPostpones = "screening_postpones",
        vi: "Khám sàng lọc cho thấy cần tạm hoãn tiêm; hẹn tiêm lại sau.",
        en: "The screening found a reason to postpone the dose; give it later.";
    /// The screening sends the person to a hospital for screening and vaccination there.
    ScreeningRefers = "screening_refers",
        vi: "Khám sàng lọc cho thấy cần chuyển đến bệnh viện để khám và tiêm.",
        en: "The screening refers the person to a hospital to be screened and vaccinated there.";
    /// The dose number given is not the one the schedule counts for this person.
    DoseNumberMismatch = "dose_number_mismatch",
        vi: "Số mũi tiêm không khớp với số mũi theo lịch của người này.",
        en: "The dose number does not match the one the schedule counts for this person.";
    /// The same person already has a dose of this vaccine and product recorded today.
    DuplicateDose = "duplicate_dose",
        vi: "Mũi tiêm này (cùng người, cùng vắc xin, cùng ngày) đã được ghi nhận.",
        en: "This dose (same person, same vaccine, same day) is already recorded.";
    /// The lot holds another vaccine (or another product) than the dose names.
    LotOtherVaccine = "lot_other_vaccine",
        vi: "Lô vắc xin này là của một vắc xin (hoặc sản phẩm) khác với mũi tiêm được ghi.",
        en: "This lot holds another vaccine (or product) than the dose names.";

    // Vaccination sessions.
    /// A registration names a vaccine the session does not offer.
    VaccineNotOffered = "vaccine_not_offered",
        vi: "Buổi tiêm này không có vắc xin đã chọn.",
        en: "This session does not offer the chosen vaccine.";
    /// The session was cancelled: it takes no registrations.
    SessionCancelled = "session_cancelled",
        vi: "Buổi tiêm này đã bị hủy.",
        en: "This vaccination session was cancelled.";
    /// A facility's envelope failed its checks: nothing of it is in any book. The fields say
    /// each problem; the receipt is kept (the `HealthBook-Receipt` header names it).
    EnvelopeRefused = "envelope_refused",
        vi: "Tệp dữ liệu không hợp lệ nên không được tiếp nhận; không hồ sơ nào được ghi.",
        en: "The file failed its checks and was not taken in; no book was changed.";
    /// Another envelope with the same visits was being taken in at the same moment.
    IntakeConflict = "intake_conflict",
        vi: "Một tệp có cùng lượt khám đang được tiếp nhận; hãy gửi lại sau giây lát.",
        en: "A file with the same visits is being taken in; send again in a moment.";
}

impl ProblemCode {
    /// The code of a problem body; `None` for one this build does not know.
    pub fn parse(code: &str) -> Option<ProblemCode> {
        ProblemCode::ALL
            .iter()
            .copied()
            .find(|known| known.as_str() == code)
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Localized for ProblemCode {
    fn code(&self) -> &'static str {
        self.as_str()
    }

    fn message(&self, lang: Lang) -> String {
        ProblemCode::message(*self, lang).to_owned()
    }
}

/// `too_many_appointments` naming the cap the booking policy sets.
pub fn too_many_appointments_message(limit: u32, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Mỗi người được giữ tối đa {limit} lịch hẹn sắp tới."),
        Lang::En => format!("A person may hold at most {limit} upcoming appointments."),
    }
}

/// `service_unavailable` naming what cannot be reached (`database`, `cache`).
pub fn service_unavailable_message(what: &str, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Dịch vụ tạm thời không sẵn sàng ({what}). Vui lòng thử lại sau."),
        Lang::En => {
            format!("The service is temporarily unavailable ({what}). Please try again later.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_reads_back_as_itself() {
        for &code in ProblemCode::ALL {
            assert_eq!(ProblemCode::parse(code.as_str()), Some(code), "{code:?}");
            assert_eq!(code.to_string(), code.as_str());
        }
    }

    #[test]
    fn no_two_codes_share_a_string() {
        let strings: HashSet<&str> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), ProblemCode::ALL.len());
    }

    #[test]
    fn codes_are_snake_case() {
        for &code in ProblemCode::ALL {
            let text = code.as_str();
            assert!(
                !text.is_empty()
                    && !text.starts_with('_')
                    && !text.ends_with('_')
                    && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text}"
            );
        }
    }

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        for &code in ProblemCode::ALL {
            let (vi, en) = (code.message(Lang::Vi), code.message(Lang::En));
            assert!(!vi.is_empty() && !en.is_empty(), "{code}");
            assert_ne!(vi, en, "{code} is not translated");
        }
    }

    #[test]
    fn an_unknown_code_is_none_not_a_guess() {
        assert_eq!(ProblemCode::parse("slot_full"), Some(ProblemCode::SlotFull));
        assert_eq!(ProblemCode::parse("SLOT_FULL"), None);
        assert_eq!(ProblemCode::parse("something_newer"), None);
        assert_eq!(ProblemCode::parse(""), None);
    }

    #[test]
    fn the_particular_forms_name_what_they_are_given() {
        assert_eq!(
            too_many_appointments_message(5, Lang::Vi),
            "Mỗi người được giữ tối đa 5 lịch hẹn sắp tới."
        );
        assert!(service_unavailable_message("database", Lang::En).contains("(database)"));
    }
}
