//! A candidate's data export: one zip holding `candidate.json` (account, interviews with
//! their transcripts, scores with evidence and overrides, profiles, integrity events,
//! invitations, résumés and self-identification) and the media beside it: each spoken
//! answer's recording as WAV, each code submission as a source file, each résumé's text.
//! Pure: built from what `db::candidate_data::gather` read.

use std::io::Write;

use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

use crate::db::candidate_data::{CandidateData, InterviewData};

#[derive(Debug, thiserror::Error)]
#[error("the export archive could not be written: {0}")]
pub struct ExportError(String);

/// The archive's bytes.
pub fn archive(data: &CandidateData) -> Result<Vec<u8>, ExportError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut interviews = Vec::new();
    for i in &data.interviews {
        interviews.push(interview_json(i, &mut files));
    }
    let resumes: Vec<Value> = data
        .resumes
        .iter()
        .map(|r| {
            let path = format!("resumes/invitation-{}.txt", r.invitation_id);
            files.push((path.clone(), r.text.clone().into_bytes()));
            json!({ "invitation_id": r.invitation_id, "filename": r.filename,
                    "content_type": r.content_type, "text_file": path, "facts": r.facts,
                    "uploaded_at": r.created_at })
        })
        .collect();
    let a = &data.account;
    let doc = json!({
        "format": "interviewer candidate export, version 1",
        "account": { "id": a.id, "email": a.email, "name": a.display_name,
                     "created_at": a.created_at, "last_login_at": a.last_login_at },
        "interviews": interviews,
        "invitations": data.invitations.iter().map(|i| json!({
            "id": i.id, "job_id": i.job_id, "email": i.candidate_email, "name": i.candidate_name,
            "created_at": i.created_at, "expires_at": i.expires_at, "emailed_at": i.emailed_at,
            "reminded_at": i.reminded_at, "opened_interview_id": i.interview_id,
            "revoked_at": i.revoked_at })).collect::<Vec<_>>(),
        "resumes": resumes,
        "self_identification": data.self_identification.iter().map(|d| json!({
            "organization_id": d.organization_id, "sex": d.sex,
            "race_ethnicity": d.race_ethnicity, "given_at": d.created_at })).collect::<Vec<_>>(),
    });
    let main = serde_json::to_vec_pretty(&doc).map_err(|e| ExportError(e.to_string()))?;
    files.insert(0, ("candidate.json".into(), main));
    write_zip(&files)
}

fn interview_json(i: &InterviewData, files: &mut Vec<(String, Vec<u8>)>) -> Value {
    let iv = &i.interview;
    let seq_of = |turn_id: i64| i.turns.iter().find(|t| t.id == turn_id).map(|t| t.seq);
    let recordings: Vec<Value> = i
        .recordings
        .iter()
        .map(|r| {
            let path = format!(
                "recordings/interview-{}-turn-{}.wav",
                iv.id,
                seq_of(r.turn_id).unwrap_or_default()
            );
            files.push((path.clone(), r.data.clone()));
            json!({ "turn_id": r.turn_id, "file": path, "duration_ms": r.duration_ms,
                    "measures": r.measures })
        })
        .collect();
    let code: Vec<Value> = i
        .code
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let path = format!(
                "code/interview-{}-{}.{}",
                iv.id,
                n + 1,
                extension(&c.language)
            );
            files.push((path.clone(), c.code.clone().into_bytes()));
            json!({ "file": path, "language": c.language, "question_id": c.question_id,
                    "analysis": c.analysis, "submitted_at": c.created_at })
        })
        .collect();
    json!({
        "id": iv.id, "organization_id": iv.organization_id, "job_id": iv.job_id,
        "mode": iv.mode, "status": iv.status, "started_at": iv.started_at,
        "completed_at": iv.completed_at,
        "consent": { "given_at": iv.consent_given_at, "to": iv.consent_version,
                     "disclosure_shown": iv.disclosure_version,
                     "organization_notice_version": iv.notice_version,
                     "alternative_process_chosen_at": iv.alternative_at },
        "turns": i.turns.iter().map(|t| json!({
            "seq": t.seq, "speaker": t.speaker, "kind": t.kind, "text": t.text,
            "unsaid": t.unsaid, "source": t.source, "word_timings": t.word_timings,
            "audio_start_ms": t.audio_start_ms, "audio_end_ms": t.audio_end_ms,
            "at": t.created_at })).collect::<Vec<_>>(),
        "recordings": recordings,
        "code": code,
        "scores": i.scores.iter().map(|s| json!({
            "id": s.id, "dimension": s.dimension, "competency": s.competency,
            "value": s.value, "explanation": s.explanation, "evidence": s.evidence,
            "scorer": s.scorer, "override_value": s.override_value,
            "override_reason": s.override_reason, "overridden": s.overridden_by.is_some(),
            "at": s.created_at })).collect::<Vec<_>>(),
        "profile": i.profile.as_ref().map(|p| &p.summary),
        // Who decided is staff's business; what was decided about them, and why, is theirs.
        "decisions": i.decisions.iter().map(|d| json!({
            "outcome": d.outcome, "reason": d.reason, "at": d.decided_at })).collect::<Vec<_>>(),
        "integrity_events": i.integrity_events.iter().map(|e| json!({
            "kind": e.kind, "detail": e.detail, "at": e.at })).collect::<Vec<_>>(),
    })
}

fn extension(language: &str) -> &'static str {
    match language {
        "python" => "py",
        "javascript" => "js",
        "rust" => "rs",
        "java" => "java",
        _ => "txt",
    }
}

fn write_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ExportError> {
    let err = |e: &dyn std::fmt::Display| ExportError(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        // Recordings are already dense; deflating them costs time for nothing.
        let method = if name.ends_with(".wav") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        zip.start_file(
            name.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .map_err(|e| err(&e))?;
        zip.write_all(bytes).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entities::{code_submission, interview, turn, turn_recording, user};
    use chrono::Utc;

    fn data() -> CandidateData {
        let now = Utc::now();
        let interview = interview::Model {
            id: 7,
            organization_id: Some(1),
            job_id: Some(2),
            candidate_user_id: 3,
            invitation_id: None,
            mode: "hiring".into(),
            status: "completed".into(),
            engine_state: json!({}),
            disclosure_version: Some("2026-11".into()),
            consent_given_at: Some(now),
            consent_version: Some("2026-11".into()),
            started_at: now,
            updated_at: now,
            completed_at: Some(now),
            notice_version: None,
            alternative_at: None,
        };
        let turn = turn::Model {
            id: 40,
            interview_id: 7,
            seq: 2,
            speaker: "candidate".into(),
            kind: "answer".into(),
            text: "I would use a hash map".into(),
            question_id: None,
            source: "voice".into(),
            word_timings: None,
            audio_start_ms: None,
            audio_end_ms: None,
            unsaid: None,
            topic: None,
            created_at: now,
        };
        CandidateData {
            account: user::Model {
                id: 3,
                organization_id: None,
                email: "ada@example.com".into(),
                password_hash: None,
                role: "candidate".into(),
                display_name: "Ada".into(),
                disabled: false,
                last_login_at: None,
                created_at: now,
            },
            interviews: vec![InterviewData {
                interview,
                turns: vec![turn],
                recordings: vec![turn_recording::Model {
                    id: 1,
                    turn_id: 40,
                    interview_id: 7,
                    content_type: "audio/wav".into(),
                    sample_rate: 16000,
                    duration_ms: 10,
                    data: b"RIFFdata".to_vec(),
                    measures: None,
                    created_at: now,
                }],
                code: vec![code_submission::Model {
                    id: 1,
                    interview_id: 7,
                    question_id: None,
                    turn_id: None,
                    language: "python".into(),
                    code: "def f(): pass".into(),
                    analysis: json!({}),
                    created_at: now,
                }],
                scores: vec![],
                profile: None,
                decisions: vec![],
                integrity_events: vec![],
            }],
            invitations: vec![],
            resumes: vec![],
            self_identification: vec![],
        }
    }

    #[test]
    fn the_archive_holds_the_json_and_each_medium_it_names() {
        let bytes = archive(&data()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut f = zip.by_name(name).unwrap();
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut out).unwrap();
            out
        };
        let doc: Value = serde_json::from_slice(&read("candidate.json")).unwrap();
        assert_eq!(doc["account"]["email"], "ada@example.com");
        let iv = &doc["interviews"][0];
        assert_eq!(iv["turns"][0]["text"], "I would use a hash map");
        let wav = iv["recordings"][0]["file"].as_str().unwrap();
        assert_eq!(wav, "recordings/interview-7-turn-2.wav");
        assert_eq!(read(wav), b"RIFFdata");
        let code = iv["code"][0]["file"].as_str().unwrap();
        assert_eq!(code, "code/interview-7-1.py");
        assert_eq!(read(code), b"def f(): pass");
    }
}
