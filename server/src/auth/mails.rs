//! The mails of identity and access, in the recipient's language. Codes appear in the body
//! only; subjects stay generic so that lock screens do not show them.

use crate::mail::OutgoingEmail;
use healthbook_domain::{Lang, Sensitive};

fn email(to: &str, subject: String, body: String) -> OutgoingEmail {
    OutgoingEmail {
        recipient: Sensitive::new(to.to_owned()),
        subject,
        body_text: body,
        body_html: None,
        attachments: Vec::new(),
    }
}

const SIGNATURE_VI: &str = "\n\n—\nSổ sức khỏe điện tử HealthBook\nNếu bạn không yêu cầu thư này, hãy bỏ qua nó; không ai có thể dùng mã nếu không có hộp thư của bạn.";
const SIGNATURE_EN: &str = "\n\n—\nHealthBook electronic health book\nIf you did not ask for this, ignore it; nobody can use the code without your mailbox.";

pub fn verify_email(to: &str, name: &str, code: &Sensitive<String>, lang: Lang) -> OutgoingEmail {
    let code = code.expose();
    match lang {
        Lang::Vi => email(
            to,
            "Xác minh địa chỉ email của bạn".into(),
            format!(
                "Xin chào {name},\n\nMã xác minh email của bạn là: {code}\nMã có hiệu lực trong 10 phút.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Verify your email address".into(),
            format!(
                "Hello {name},\n\nYour email verification code is: {code}\nIt is valid for 10 minutes.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn sign_in_code(to: &str, name: &str, code: &Sensitive<String>, lang: Lang) -> OutgoingEmail {
    let code = code.expose();
    match lang {
        Lang::Vi => email(
            to,
            "Mã đăng nhập HealthBook".into(),
            format!(
                "Xin chào {name},\n\nMã đăng nhập của bạn là: {code}\nMã có hiệu lực trong 10 phút.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your HealthBook sign-in code".into(),
            format!(
                "Hello {name},\n\nYour sign-in code is: {code}\nIt is valid for 10 minutes.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn recovery_code(to: &str, name: &str, code: &Sensitive<String>, lang: Lang) -> OutgoingEmail {
    let code = code.expose();
    match lang {
        Lang::Vi => email(
            to,
            "Khôi phục tài khoản HealthBook".into(),
            format!(
                "Xin chào {name},\n\nMã khôi phục tài khoản của bạn là: {code}\nMã có hiệu lực trong 10 phút. Sau khi khôi phục, mọi phiên đăng nhập khác sẽ bị đăng xuất.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Recover your HealthBook account".into(),
            format!(
                "Hello {name},\n\nYour account recovery code is: {code}\nIt is valid for 10 minutes. Recovery signs out every other session.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// The recovery completed: every session ended and these passkeys were removed.
pub fn recovered(to: &str, name: &str, passkeys: &[String], lang: Lang) -> OutgoingEmail {
    let list: String = passkeys.iter().map(|p| format!("\n  • {p}")).collect();
    match lang {
        Lang::Vi => email(
            to,
            "Tài khoản của bạn vừa được khôi phục".into(),
            format!(
                "Xin chào {name},\n\nTài khoản HealthBook của bạn vừa được khôi phục: mọi phiên đăng nhập khác đã bị đăng xuất và các khóa truy cập cũ đã bị gỡ:{list}\n\nNếu không phải bạn, hãy liên hệ ngay bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your account was just recovered".into(),
            format!(
                "Hello {name},\n\nYour HealthBook account was just recovered: every other session was signed out and the old passkeys were removed:{list}\n\nIf this was not you, contact support now.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// A recovery passed its checks and waits: the owner can still stop it.
pub fn recovery_pending(
    to: &str,
    name: &str,
    ready_at: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> OutgoingEmail {
    let when = healthbook_domain::booking::time::to_local(ready_at).format("%H:%M %d/%m/%Y");
    match lang {
        Lang::Vi => email(
            to,
            "Có yêu cầu khôi phục tài khoản của bạn".into(),
            format!(
                "Xin chào {name},\n\nTài khoản HealthBook của bạn đang được khôi phục. Lúc {when} (giờ Việt Nam), mọi phiên đăng nhập sẽ kết thúc và mọi khóa truy cập hiện có sẽ bị gỡ.\n\nNếu không phải bạn, hãy mở ứng dụng HealthBook (đăng nhập bằng khóa truy cập) và hủy yêu cầu khôi phục trước thời điểm đó.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Someone asked to recover your account".into(),
            format!(
                "Hello {name},\n\nYour HealthBook account is being recovered. At {when} (Việt Nam time) every session will end and every passkey you have will be removed.\n\nIf this was not you, open the HealthBook app (signed in with your passkey) and cancel the recovery before then.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn locked_out(to: &str, name: &str, minutes: i64, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Tài khoản tạm thời bị khóa".into(),
            format!(
                "Xin chào {name},\n\nCó quá nhiều lần đăng nhập sai vào tài khoản của bạn, nên tài khoản bị khóa đăng nhập trong {minutes} phút. Nếu không phải bạn, hãy liên hệ bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your account is temporarily locked".into(),
            format!(
                "Hello {name},\n\nThere were too many failed sign-ins to your account, so signing in is locked for {minutes} minutes. If this was not you, contact support.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn passkey_added(to: &str, name: &str, passkey: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Đã thêm khóa truy cập mới".into(),
            format!(
                "Xin chào {name},\n\nMột khóa truy cập (passkey) mới tên \"{passkey}\" vừa được thêm vào tài khoản của bạn. Nếu không phải bạn, hãy liên hệ ngay bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "A new passkey was added".into(),
            format!(
                "Hello {name},\n\nA new passkey named \"{passkey}\" was just added to your account. If this was not you, contact support now.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// Passkeys taken off the account: removed by the owner, or retired by a recovery.
pub fn passkeys_removed(to: &str, name: &str, passkeys: &[String], lang: Lang) -> OutgoingEmail {
    let list: String = passkeys.iter().map(|p| format!("\n  • {p}")).collect();
    match lang {
        Lang::Vi => email(
            to,
            "Khóa truy cập đã bị gỡ khỏi tài khoản".into(),
            format!(
                "Xin chào {name},\n\nCác khóa truy cập (passkey) sau đã bị gỡ khỏi tài khoản HealthBook của bạn, và mọi phiên đăng nhập mở bằng chúng đã kết thúc:{list}\n\nNếu không phải bạn, hãy liên hệ ngay bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Passkeys were removed from your account".into(),
            format!(
                "Hello {name},\n\nThese passkeys were removed from your HealthBook account, and every session they opened has ended:{list}\n\nIf this was not you, contact support now.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn staff_enrolment(
    to: &str,
    name: &str,
    code: &Sensitive<String>,
    link: &str,
    valid_hours: i64,
    lang: Lang,
) -> OutgoingEmail {
    let code = code.expose();
    match lang {
        Lang::Vi => email(
            to,
            "Kích hoạt tài khoản nhân viên HealthBook".into(),
            format!(
                "Xin chào {name},\n\nTài khoản nhân viên HealthBook của bạn đã được tạo. Mở ứng dụng và đăng ký khóa truy cập (passkey) bằng liên kết:\n{link}\nMã kích hoạt: {code}\nMã có hiệu lực trong {valid_hours} giờ và chỉ dùng được một lần.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Activate your HealthBook staff account".into(),
            format!(
                "Hello {name},\n\nYour HealthBook staff account was created. Open the app and register your passkey with this link:\n{link}\nEnrolment code: {code}\nThe code is valid for {valid_hours} hours and can be used once.{SIGNATURE_EN}"
            ),
        ),
    }
}

pub fn guardian_invitation(to: &str, inviter: &str, child: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Lời mời làm người giám hộ trên HealthBook".into(),
            format!(
                "Xin chào,\n\n{inviter} mời bạn cùng làm người giám hộ sổ sức khỏe của {child}. Đăng nhập ứng dụng HealthBook bằng địa chỉ email này để chấp nhận lời mời.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Invitation to be a guardian on HealthBook".into(),
            format!(
                "Hello,\n\n{inviter} invites you to be a guardian of {child}'s health book. Sign in to the HealthBook app with this email address to accept.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To the registrant whose details could not open a health book.
pub fn registration_not_opened(to: &str, name: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Chưa thể mở sổ sức khỏe".into(),
            format!(
                "Xin chào {name},\n\nChúng tôi chưa thể mở sổ sức khỏe với thông tin bạn đã gửi: số định danh cá nhân hoặc địa chỉ email này đã gắn với một sổ sức khỏe khác. Nếu đó là của bạn, hãy đăng nhập bằng địa chỉ email đã dùng hoặc khôi phục tài khoản. Nếu không, hãy liên hệ bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your health book could not be opened yet".into(),
            format!(
                "Hello {name},\n\nWe could not open a health book with the details you sent: the identification number or this address already belongs to another health book. If it is yours, sign in with the address you used, or recover the account. If not, contact support.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To the holder of a number that someone else asked for.
pub fn national_id_claim_attempted(
    to: &str,
    name: &str,
    person: &str,
    lang: Lang,
) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Có người dùng số định danh trong sổ sức khỏe của bạn".into(),
            format!(
                "Xin chào {name},\n\nVừa có người dùng số định danh cá nhân của {person} để đăng ký hoặc thêm người phụ thuộc trên HealthBook. Không có gì thay đổi. Nếu bạn không biết người này, hãy liên hệ bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Someone used an identification number of your health book".into(),
            format!(
                "Hello {name},\n\nSomeone just used {person}'s identification number to register or to add a dependent on HealthBook. Nothing changed. If you do not know who it was, contact support.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To an unconfirmed holder whose number its registry-confirmed owner took.
pub fn national_id_displaced(to: &str, name: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Số định danh trong sổ sức khỏe của bạn đã được thu hồi".into(),
            format!(
                "Xin chào {name},\n\nNgười có số định danh cá nhân ghi trong sổ sức khỏe của bạn đã đăng ký và được Cơ sở dữ liệu quốc gia về dân cư xác nhận, nên số này đã được chuyển cho họ. Tài khoản của bạn vẫn còn; hãy liên hệ bộ phận hỗ trợ để cập nhật số định danh đúng.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "The identification number on your health book was taken back".into(),
            format!(
                "Hello {name},\n\nThe person the national population database confirms as the owner of the identification number on your health book has registered, so the number went to them. Your account remains; contact support to record your correct number.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To a guardian: the dependent, now an adult, holds their own health book.
pub fn record_claimed(to: &str, name: &str, person: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Người phụ thuộc đã tự quản lý sổ sức khỏe".into(),
            format!(
                "Xin chào {name},\n\n{person} đã mở tài khoản HealthBook của riêng mình và từ nay tự quản lý sổ sức khỏe. Người này có thể cho phép bạn tiếp tục làm người giám hộ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your dependent now holds their own health book".into(),
            format!(
                "Hello {name},\n\n{person} opened their own HealthBook account and now holds their health book. They may let you go on as their guardian.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To a citizen whose dependent could not be added.
pub fn dependent_not_added(to: &str, name: &str, person: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Chưa thể thêm người phụ thuộc".into(),
            format!(
                "Xin chào {name},\n\nChúng tôi chưa thể thêm {person} làm người phụ thuộc của bạn: số định danh cá nhân này đã gắn với một sổ sức khỏe có người quản lý. Nếu bạn là người giám hộ, hãy đề nghị người giám hộ hiện tại mời bạn, hoặc liên hệ bộ phận hỗ trợ.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Your dependent could not be added yet".into(),
            format!(
                "Hello {name},\n\nWe could not add {person} as your dependent: the identification number belongs to a health book that someone already looks after. If you are a guardian, ask the current guardian to invite you, or contact support.{SIGNATURE_EN}"
            ),
        ),
    }
}

/// To the holder of an address that someone tried to register again.
pub fn address_already_registered(to: &str, name: &str, lang: Lang) -> OutgoingEmail {
    match lang {
        Lang::Vi => email(
            to,
            "Có người đăng ký bằng địa chỉ email của bạn".into(),
            format!(
                "Xin chào {name},\n\nVừa có người dùng địa chỉ email này để mở một sổ sức khỏe mới. Bạn đã có tài khoản: nếu đó là bạn, hãy đăng nhập. Nếu không, bạn không cần làm gì; không có gì thay đổi.{SIGNATURE_VI}"
            ),
        ),
        Lang::En => email(
            to,
            "Someone registered with your address".into(),
            format!(
                "Hello {name},\n\nSomeone just used this address to open a new health book. You already have an account: if it was you, sign in. If not, there is nothing to do; nothing changed.{SIGNATURE_EN}"
            ),
        ),
    }
}
