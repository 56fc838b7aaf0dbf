//! What the project's tests exercise, by topic: authentication, payments,
//! uploads and webhooks (from the test file's path and the request paths
//! it sends, `.post('/auth/login')`, `page.goto('/checkout')`), and error
//! scenarios (an expected status of 4xx or 5xx, `.expect(401)`,
//! `toBe(404)`, `HttpStatus.FORBIDDEN`).

use gonogo_check::{Value, json};

/// A topic of tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Login, registration, tokens, passwords.
    Auth,
    /// Payments, checkout, billing, subscriptions.
    Payment,
    /// File uploads.
    Upload,
    /// Incoming webhooks.
    Webhook,
    /// Requests that must fail: an expected 4xx or 5xx.
    Errors,
}

/// Every topic, in the order of the facts.
pub const TOPICS: [Topic; 5] = [
    Topic::Auth,
    Topic::Payment,
    Topic::Upload,
    Topic::Webhook,
    Topic::Errors,
];

impl Topic {
    /// Its name in the facts.
    pub fn name(self) -> &'static str {
        match self {
            Topic::Auth => "auth",
            Topic::Payment => "payment",
            Topic::Upload => "upload",
            Topic::Webhook => "webhook",
            Topic::Errors => "errors",
        }
    }

    /// Words of a path (of the test file, or of a request) on this topic.
    fn words(self) -> &'static [&'static str] {
        match self {
            Topic::Auth => &[
                "auth", "login", "signin", "sign-in", "signup", "sign-up", "register", "logout",
                "password", "token", "session",
            ],
            Topic::Payment => &[
                "payment",
                "checkout",
                "billing",
                "stripe",
                "subscription",
                "invoice",
                "charge",
                "paypal",
            ],
            Topic::Upload => &["upload", "attachment", "avatar", "media", "multipart"],
            Topic::Webhook => &["webhook"],
            Topic::Errors => &[],
        }
    }
}

impl Topic {
    /// Dependencies that give a project this topic: only then is a missing
    /// test of it worth a finding (the pack's rules decide from the code).
    /// `None`: every project has it.
    pub fn applies_with(self) -> Option<&'static [&'static str]> {
        match self {
            Topic::Auth => Some(&[
                "jsonwebtoken",
                "@nestjs/jwt",
                "passport",
                "@nestjs/passport",
                "better-auth",
                "lucia",
                "@fastify/jwt",
                "jose",
                "argon2",
                "bcrypt",
                "bcryptjs",
                "express-session",
                "@auth/core",
            ]),
            Topic::Payment => Some(PAYMENT_SDKS),
            Topic::Upload => Some(&[
                "multer",
                "multer-s3",
                "@fastify/multipart",
                "busboy",
                "formidable",
                "express-fileupload",
                "@aws-sdk/client-s3",
                "@aws-sdk/lib-storage",
            ]),
            // Providers that call back: payments, Shopify, Svix, GitHub.
            Topic::Webhook => Some(&[
                "stripe",
                "@shopify/shopify-api",
                "svix",
                "@octokit/webhooks",
                "@paypal/checkout-server-sdk",
            ]),
            Topic::Errors => None,
        }
    }
}

/// Payment SDKs.
const PAYMENT_SDKS: &[&str] = &[
    "stripe",
    "@paypal/checkout-server-sdk",
    "@paypal/paypal-server-sdk",
    "braintree",
    "@mollie/api-client",
];

/// Whether `text` (a path) has one of `words`, in any letter case.
fn mentions(text: &str, words: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    words.iter().any(|word| lower.contains(word))
}

/// The request paths a test sends: string literals that start with `/`
/// (`'/api/v1/auth/login'`, `` `/users/${id}` ``).
pub fn request_paths(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\'', '"', '`'])
        .skip(1)
        .step_by(2)
        .filter(|literal| literal.starts_with('/') && literal.len() < 200 && !literal.contains(' '))
}

/// Names of error statuses in the constants of `http-status`, Nest's
/// `HttpStatus` and `http-status-codes`.
const ERROR_STATUS_NAMES: &[&str] = &[
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "UNPROCESSABLE_ENTITY",
    "TOO_MANY_REQUESTS",
    "INTERNAL_SERVER_ERROR",
    "PAYLOAD_TOO_LARGE",
];

/// Whether a test expects an error status: a 4xx or 5xx number right
/// after a call such as `expect(`, `toBe(`, `toEqual(`, `status(`,
/// `toHaveStatus(`, or an error status constant.
fn expects_error_status(text: &str) -> bool {
    let numeric = text.match_indices('(').any(|(at, _)| {
        let callee = text[..at]
            .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        let argument = &text[at + 1..];
        let digits: String = argument.chars().take_while(char::is_ascii_digit).collect();
        matches!(
            callee,
            "expect" | "toBe" | "toEqual" | "toStrictEqual" | "status" | "toHaveStatus" | "equal"
        ) && digits.len() == 3
            && (digits.starts_with('4') || digits.starts_with('5'))
            && !argument[3..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.')
    });
    numeric
        || ERROR_STATUS_NAMES
            .iter()
            .any(|name| text.contains(&format!(".{name}")))
}

/// The topics a test file at `path` with `text` exercises.
pub fn topics_of(path: &str, text: &str) -> Vec<Topic> {
    let mut found = Vec::new();
    for topic in TOPICS {
        let on_topic = match topic {
            Topic::Errors => expects_error_status(text),
            _ => {
                mentions(path, topic.words())
                    || request_paths(text).any(|request| mentions(request, topic.words()))
            }
        };
        if on_topic {
            found.push(topic);
        }
    }
    found
}

/// Counts per topic, with an example path of each.
#[derive(Default)]
pub struct Tally {
    counts: [usize; 5],
    examples: [Option<&'static str>; 5],
}

impl Tally {
    /// Counts the test file at `path` for each of `topics`.
    pub fn note(&mut self, path: &'static str, topics: &[Topic]) {
        for topic in topics {
            let index = *topic as usize;
            self.counts[index] += 1;
            self.examples[index].get_or_insert(path);
        }
    }

    /// The facts: `{auth: n, …, examples: {auth: path, …}}`.
    pub fn facts(&self) -> Value {
        let mut counts = gonogo_check::Map::new();
        let mut examples = gonogo_check::Map::new();
        for topic in TOPICS {
            counts.insert(topic.name().into(), json!(self.counts[topic as usize]));
            examples.insert(topic.name().into(), json!(self.examples[topic as usize]));
        }
        counts.insert("examples".into(), Value::Object(examples));
        Value::Object(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_come_from_the_path_and_the_requests_sent() {
        assert_eq!(
            topics_of(
                "test/app.e2e-spec.ts",
                "await request(app).post('/api/v1/auth/login').send(body).expect(401);"
            ),
            [Topic::Auth, Topic::Errors]
        );
        assert_eq!(
            topics_of(
                "src/billing/billing.service.spec.ts",
                "expect(total).toBe(42);"
            ),
            [Topic::Payment]
        );
        assert_eq!(
            topics_of(
                "tests/files.test.js",
                "const res = await app.inject({ method: 'POST', url: `/uploads/${id}` });\nexpect(res.statusCode).toBe(201);"
            ),
            [Topic::Upload]
        );
        assert_eq!(
            topics_of(
                "test/hooks.test.ts",
                "await request(app).post('/webhooks/stripe').expect(httpStatus.BAD_REQUEST);"
            ),
            // Stripe's webhook is part of the payment flow.
            [Topic::Payment, Topic::Webhook, Topic::Errors]
        );
        assert_eq!(
            topics_of(
                "src/price.test.ts",
                "expect(price(400)).toBe(4000); // not a status"
            ),
            Vec::<Topic>::new()
        );
        assert_eq!(
            topics_of(
                "src/users.spec.ts",
                "expect(() => f()).toThrow(); it('says hello world', () => {});"
            ),
            Vec::<Topic>::new()
        );
    }
}
