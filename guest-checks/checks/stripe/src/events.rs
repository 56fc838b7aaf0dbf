//! The Stripe event types the project's code handles: string literals of
//! its source files that use Stripe, shaped as Stripe's event types
//! (`checkout.session.completed`) and starting with one of its objects.

use gonogo_check::workspace;
use std::collections::BTreeSet;

/// The objects Stripe's event types start with.
const OBJECTS: &[&str] = &[
    "account",
    "application_fee",
    "balance",
    "billing_portal",
    "charge",
    "checkout",
    "coupon",
    "credit_note",
    "customer",
    "file",
    "invoice",
    "invoiceitem",
    "issuing_card",
    "mandate",
    "payment_intent",
    "payment_link",
    "payment_method",
    "payout",
    "plan",
    "price",
    "product",
    "promotion_code",
    "quote",
    "radar",
    "refund",
    "review",
    "setup_intent",
    "subscription_schedule",
    "tax_rate",
    "topup",
    "transfer",
];

/// Whether `text` is shaped as a Stripe event type.
pub fn is_event_type(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() >= 2
        && parts.len() <= 4
        && OBJECTS.contains(&parts[0])
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// The event types quoted in `source`.
pub fn quoted_events(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for quote in ['\'', '"', '`'] {
        let mut parts = source.split(quote);
        parts.next();
        // Every other piece lies between a pair of quotes.
        for (i, piece) in parts.enumerate() {
            if i % 2 == 0 && is_event_type(piece) {
                found.insert(piece.to_owned());
            }
        }
    }
    found
}

/// Whether a path is source the service runs (not tests, not dependencies).
fn is_source(path: &str) -> bool {
    let source = [".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e))
        && !path.ends_with(".d.ts");
    let excluded = path.split('/').any(|part| {
        matches!(
            part,
            "node_modules" | "dist" | "build" | "test" | "tests" | "__tests__" | "e2e" | "fixtures"
        )
    }) || path.contains(".test.")
        || path.contains(".spec.");
    source && !excluded
}

/// The event types the project's Stripe code handles, sorted.
pub fn handled() -> Vec<String> {
    let mut found = BTreeSet::new();
    for file in workspace::files() {
        if !is_source(file.path) {
            continue;
        }
        let Some(text) = workspace::read_text(file.path) else {
            continue;
        };
        if !text.to_ascii_lowercase().contains("stripe") {
            continue;
        }
        found.extend(quoted_events(&text));
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_are_found_between_quotes() {
        let source = r#"
            switch (event.type) {
              case 'checkout.session.completed': break;
              case "customer.subscription.deleted": break;
              case `invoice.payment_failed`: break;
            }
            logger.info('user.created'); const file = 'config.json'; import x from './stripe.service';
        "#;
        let found: Vec<String> = quoted_events(source).into_iter().collect();
        assert_eq!(
            found,
            [
                "checkout.session.completed",
                "customer.subscription.deleted",
                "invoice.payment_failed"
            ]
        );
        assert!(is_source("src/billing/webhook.controller.ts"));
        assert!(!is_source("src/billing/webhook.controller.spec.ts"));
        assert!(!is_source("node_modules/stripe/types/index.d.ts"));
    }
}
