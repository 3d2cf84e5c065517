//! The HTTP surface: pages, the JSON API and the interview WebSocket. Every route is listed
//! once in `table()` with its access policy; `router()` is built from that table alone.

pub mod access;
mod admin;
mod auth;
mod bank_editor;
mod bias_audit;
mod candidate;
mod candidates;
mod decisions;
pub mod error;
pub mod extract;
mod integrity;
mod interview_ws;
mod live;
mod notices;
mod pages;
mod privacy;
mod profile;
mod recruiter;
mod resumes;
mod scores;
mod self_id;
mod voice;
mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, delete, get, post, put};

pub use access::Access;
pub use error::ApiError;

use crate::app::AppState;

/// One route: method, path pattern and who may call it.
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

struct Route {
    spec: RouteSpec,
    handler: MethodRouter<AppState>,
}

fn r(method: Method, path: &'static str, access: Access, handler: MethodRouter<AppState>) -> Route {
    Route {
        spec: RouteSpec {
            method,
            path,
            access,
        },
        handler,
    }
}

fn table() -> Vec<Route> {
    use Access::*;
    use Method as M;
    vec![
        // Public pages and bearer-token entry points.
        r(M::GET, "/", Public, get(pages::home)),
        r(M::GET, "/health", Public, get(pages::health)),
        r(M::GET, "/assets/{file}", Public, get(pages::asset)),
        r(M::GET, "/login", Public, get(pages::login)),
        r(M::GET, "/signup", Public, get(pages::signup)),
        r(M::GET, "/setup/{token}", Public, get(auth::setup_page)),
        r(
            M::GET,
            "/i/{token}",
            Public,
            get(candidate::open_invitation),
        ),
        r(M::POST, "/api/auth/login", Public, post(auth::login)),
        r(M::POST, "/api/auth/signup", Public, post(auth::signup)),
        r(M::POST, "/api/setup", Public, post(auth::setup)),
        r(M::GET, "/api/openapi.json", Public, get(pages::openapi)),
        // Any signed-in user.
        r(M::POST, "/api/auth/logout", SignedIn, post(auth::logout)),
        r(M::GET, "/api/auth/me", SignedIn, get(auth::me)),
        // Candidates.
        r(M::GET, "/practice", Candidate, get(pages::practice)),
        r(
            M::GET,
            "/interview/{id}",
            Candidate,
            get(candidate::room_page),
        ),
        r(
            M::GET,
            "/api/practice/banks",
            Candidate,
            get(candidate::practice_banks),
        ),
        r(
            M::POST,
            "/api/practice/interviews",
            Candidate,
            post(candidate::start_practice),
        ),
        r(
            M::GET,
            "/api/me/interviews",
            Candidate,
            get(candidate::my_interviews),
        ),
        r(
            M::GET,
            "/api/me/export",
            Candidate,
            get(privacy::export_mine),
        ),
        r(
            M::GET,
            "/api/me/progress",
            Candidate,
            get(profile::progress),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/messages",
            Candidate,
            post(candidate::message),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/code",
            Candidate,
            post(candidate::submit_code),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/signals",
            Candidate,
            post(integrity::record),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/self-identification",
            Candidate,
            post(self_id::record),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/answers/audio",
            Candidate,
            post(voice::spoken_answer).layer(DefaultBodyLimit::max(voice::MAX_UPLOAD_BYTES)),
        ),
        r(
            M::GET,
            "/interview/{id}/live",
            Candidate,
            get(candidate::live_page),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/live",
            Candidate,
            get(live::settings),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/live",
            Candidate,
            post(live::offer),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/live/{connection}/candidates",
            Candidate,
            post(live::add_candidate),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/live/{connection}/candidates",
            Candidate,
            get(live::local_candidates),
        ),
        r(
            M::DELETE,
            "/api/interviews/{id}/live/{connection}",
            Candidate,
            delete(live::hangup),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/ws",
            Candidate,
            get(interview_ws::websocket),
        ),
        // The transcript: its candidate, or staff of its organization.
        r(
            M::GET,
            "/api/interviews/{id}",
            SignedIn,
            get(candidate::transcript),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/turns/{seq}/speech",
            SignedIn,
            get(voice::turn_speech),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/turns/{seq}/recording",
            SignedIn,
            get(voice::turn_recording),
        ),
        // Scores: staff of the organization, or the candidate of a practice interview.
        r(M::GET, "/profile/{id}", SignedIn, get(pages::profile)),
        r(
            M::GET,
            "/api/interviews/{id}/scores",
            SignedIn,
            get(scores::list),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/profile.pdf",
            SignedIn,
            get(profile::export_pdf),
        ),
        // A person's override of a score: staff of the organization, audited.
        r(
            M::PUT,
            "/api/interviews/{id}/scores/{score_id}/override",
            Staff,
            put(scores::set_override),
        ),
        // A person's decision to advance the candidate or not: staff, audited.
        r(
            M::GET,
            "/api/interviews/{id}/decisions",
            Staff,
            get(decisions::history),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/decisions",
            Staff,
            post(decisions::record),
        ),
        // Recruiters (their organization) and admins (all): reading.
        r(M::GET, "/recruiter", Staff, get(pages::recruiter)),
        r(M::GET, "/api/banks", Staff, get(recruiter::list_banks)),
        r(M::GET, "/api/banks/{id}", Staff, get(recruiter::get_bank)),
        r(
            M::GET,
            "/api/banks/{id}/toml",
            Staff,
            get(bank_editor::get_toml),
        ),
        r(M::GET, "/api/jobs", Staff, get(recruiter::list_jobs)),
        r(M::GET, "/api/jobs/{id}", Staff, get(recruiter::get_job)),
        r(
            M::GET,
            "/api/jobs/{id}/candidates",
            Staff,
            get(candidates::list),
        ),
        r(
            M::GET,
            "/api/jobs/{id}/compare",
            Staff,
            get(candidates::compare),
        ),
        r(
            M::GET,
            "/api/interviews",
            Staff,
            get(recruiter::list_interviews),
        ),
        // Recruiters only: watching a live interview, configuring roles and inviting.
        r(
            M::GET,
            "/recruiter/interviews/{id}/watch",
            Recruiter,
            get(pages::watch),
        ),
        r(
            M::GET,
            "/api/interviews/{id}/watch",
            Recruiter,
            get(live::watch_settings),
        ),
        r(
            M::POST,
            "/api/interviews/{id}/watch",
            Recruiter,
            post(live::watch),
        ),
        r(M::POST, "/api/jobs", Recruiter, post(recruiter::create_job)),
        r(
            M::POST,
            "/api/banks/check",
            Recruiter,
            post(bank_editor::check),
        ),
        r(M::POST, "/api/banks", Recruiter, post(bank_editor::save)),
        r(
            M::POST,
            "/api/jobs/{id}/banks",
            Recruiter,
            post(recruiter::attach_bank),
        ),
        r(
            M::PUT,
            "/api/jobs/{id}/plan",
            Recruiter,
            put(recruiter::set_plan),
        ),
        r(
            M::PUT,
            "/api/jobs/{id}/criteria",
            Recruiter,
            put(recruiter::set_criteria),
        ),
        r(
            M::POST,
            "/api/jobs/{id}/invitations",
            Recruiter,
            post(recruiter::invite),
        ),
        r(
            M::POST,
            "/api/invitations/{id}/resume",
            Recruiter,
            post(resumes::upload).layer(DefaultBodyLimit::max(resumes::MAX_BYTES)),
        ),
        // Admins.
        r(M::GET, "/admin", Admin, get(pages::admin)),
        r(M::GET, "/api/admin/users", Admin, get(admin::list_users)),
        r(M::POST, "/api/admin/users", Admin, post(admin::create_user)),
        r(
            M::GET,
            "/api/admin/organizations",
            Admin,
            get(admin::list_organizations),
        ),
        r(
            M::POST,
            "/api/admin/organizations",
            Admin,
            post(admin::create_organization),
        ),
        r(
            M::PUT,
            "/api/admin/organizations/{id}/scoring",
            Admin,
            put(admin::set_scoring),
        ),
        r(
            M::PUT,
            "/api/admin/organizations/{id}/ai-pause",
            Admin,
            put(admin::set_ai_pause),
        ),
        r(
            M::GET,
            "/api/admin/organizations/{id}/webhooks",
            Admin,
            get(webhooks::list),
        ),
        r(
            M::POST,
            "/api/admin/organizations/{id}/webhooks",
            Admin,
            post(webhooks::create),
        ),
        r(
            M::GET,
            "/api/admin/webhooks/{id}/deliveries",
            Admin,
            get(webhooks::deliveries),
        ),
        r(
            M::POST,
            "/api/admin/webhook-deliveries/{id}/retry",
            Admin,
            post(webhooks::retry),
        ),
        r(
            M::DELETE,
            "/api/admin/webhooks/{id}",
            Admin,
            delete(webhooks::delete),
        ),
        r(
            M::GET,
            "/api/admin/organizations/{id}/bias-audit",
            Admin,
            get(bias_audit::run),
        ),
        r(
            M::GET,
            "/api/admin/organizations/{id}/notices",
            Admin,
            get(notices::history),
        ),
        r(
            M::POST,
            "/api/admin/organizations/{id}/notices",
            Admin,
            post(notices::publish),
        ),
        r(M::GET, "/api/admin/audit-log", Admin, get(admin::audit_log)),
        r(
            M::GET,
            "/api/admin/candidates",
            Admin,
            get(privacy::find_candidate),
        ),
        r(
            M::GET,
            "/api/admin/candidates/{id}/export",
            Admin,
            get(privacy::export_candidate),
        ),
        r(
            M::DELETE,
            "/api/admin/candidates/{id}",
            Admin,
            delete(privacy::erase_candidate),
        ),
        r(
            M::GET,
            "/api/admin/organizations/{id}/retention",
            Admin,
            get(privacy::get_retention),
        ),
        r(
            M::PUT,
            "/api/admin/organizations/{id}/retention",
            Admin,
            put(privacy::set_retention),
        ),
        r(
            M::GET,
            "/api/admin/practice/retention",
            Admin,
            get(privacy::get_practice_retention),
        ),
        r(
            M::PUT,
            "/api/admin/practice/retention",
            Admin,
            put(privacy::set_practice_retention),
        ),
        r(
            M::DELETE,
            "/api/admin/sessions",
            Admin,
            delete(admin::purge_sessions),
        ),
    ]
}

/// Every route with its policy, for the authorization tests and the docs.
pub fn routes() -> Vec<RouteSpec> {
    table().into_iter().map(|r| r.spec).collect()
}

/// Largest request body accepted; code submissions have their own, smaller limit (413).
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in table() {
        let layer = from_fn_with_state((state.clone(), route.spec.access), access::authorize);
        router = router.route(route.spec.path, route.handler.layer(layer));
    }
    router
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
}
