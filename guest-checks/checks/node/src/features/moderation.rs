//! Content moderation where AI is used: when the service imports an AI SDK
//! (OpenAI, Anthropic, Google, the AI SDK, LangChain), a moderation call
//! (`openai.moderations.create`, `moderateText`, Perspective's `analyze`)
//! somewhere in the code it reaches.

use super::Sink;
use crate::findings;
use crate::scan::{At, package_used};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// AI SDKs whose prompts and answers the checklists ask to moderate.
const AI_SDKS: &[&str] = &[
    "openai",
    "@anthropic-ai/sdk",
    "@google/generative-ai",
    "@google/genai",
    "ai",
    "@ai-sdk/openai",
    "@ai-sdk/anthropic",
    "@langchain/openai",
    "langchain",
    "cohere-ai",
    "@mistralai/mistralai",
];

/// Where a reached module calls a moderation API.
fn moderation_call(modules: &[Module]) -> Option<At> {
    modules.iter().find_map(|module| {
        let tokens = &module.tokens;
        (1..tokens.len().saturating_sub(1)).find_map(|i| {
            let name = tokens[i].text.as_str();
            let called = tokens[i + 1].is_punct("(");
            let openai = name == "create"
                && i >= 2
                && tokens[i - 1].is_punct(".")
                && tokens[i - 2].is_ident("moderations");
            let named = called
                && (name == "moderateText"
                    || name == "moderate"
                    || name == "moderateContent"
                    || (name == "analyze" && module.imports_package("googleapis").is_some()));
            // Gemini's own filters: `safetySettings` on the model or request.
            let safety = name == "safetySettings" && tokens[i + 1].is_punct(":");
            (called && openai || named || safety).then(|| At::of(module, i))
        })
    })
}

/// The AI SDK the service uses, and where it moderates content, if it does.
pub fn moderation(modules: &[Module], sink: &mut Sink) -> Value {
    let sdk = package_used(modules, AI_SDKS);
    let at = sdk.as_ref().and_then(|_| moderation_call(modules));
    if let Some((package, imported)) = &sdk
        && at.is_none()
    {
        sink.push(
            Finding::warn(
                findings::AI_UNMODERATED,
                Severity::Medium,
                format!("`{package}` is used, but no content goes through a moderation API"),
            )
            .fix("check prompts and answers with a moderation API (`openai.moderations.create({ input })`) before using them"),
            Some(imported),
        );
    }
    let sdk = sdk.map(|(package, _)| package);
    json!({
        "ai_sdk": sdk,
        "moderated": at.is_some(),
        "at": at.map(|at| json!({"path": at.path, "line": at.line})),
    })
}
