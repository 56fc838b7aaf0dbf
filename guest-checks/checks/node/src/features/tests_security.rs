//! The detectors of access control, CSRF, webhooks, second factors,
//! password policies and secrets in logs, on small modules.

use super::tests::{one, sink};
use super::*;

#[test]
fn role_checks_are_found_and_authentication_alone_is_not() {
    let enforced = [
        "@Roles(RoleEnum.admin)\n@UseGuards(AuthGuard('jwt'), RolesGuard)\n@Controller('users') export class UsersController {}",
        "@HasPermission(permissions.accessAdminControl)\n@Get() find() {}",
        "import { Authorized } from 'routing-controllers';\n@Authorized(['admin']) export class A {}",
        "router.delete('/users/:id', requireRole('admin'), remove);",
        "if (req.user.role !== 'admin') { return res.status(403).end(); }",
        "const userRights = roleRights.get(user.role);\nconst ok = requiredRights.every((r) => userRights.includes(r));",
        "import { AbilityBuilder } from '@casl/ability';\nconst b = new AbilityBuilder(createMongoAbility);",
        "providers: [{ provide: APP_GUARD, useClass: PoliciesGuard }]",
    ];
    for source in enforced {
        let mut findings = sink();
        let facts = access_control(&one(source), &mut findings);
        assert_eq!(facts["present"], true, "{source}");
        assert!(findings.findings.is_empty());
    }
    let not_enforced = [
        "@Authorized()\n@JsonController('/users') export class UserController {}",
        "@UseGuards(AuthGuard('jwt'))\n@Get('me') me() {}",
        "export class RolesGuard implements CanActivate {}",
        "const role = await this.rolesService.get(id);",
        "res.json({ role: user.role, availability: true });",
        "const permission = permissionByCode.get(code);",
        "import { RolesGuard } from './roles.guard';",
    ];
    for source in not_enforced {
        let mut findings = sink();
        let facts = access_control(&one(source), &mut findings);
        assert_eq!(facts["present"], false, "{source}");
        assert!(format!("{:?}", findings.findings).contains("access-control-missing"));
    }
}

#[test]
fn csrf_matters_only_for_cookie_authentication() {
    let cases = [
        // (source, cookie auth, protected)
        ("res.json({ accessToken });", false, false),
        (
            "res.cookie('token', jwt, { httpOnly: true, secure: true });",
            true,
            false,
        ),
        (
            "res.cookie('token', jwt, { httpOnly: true, secure: true, sameSite: 'strict' });",
            true,
            true,
        ),
        (
            "res.cookie('token', jwt, { httpOnly: true, sameSite: 'none', secure: true });",
            true,
            false,
        ),
        (
            "setCookie(c, 'session', id, { httpOnly: true, sameSite: 'Lax' });",
            true,
            true,
        ),
        (
            "import session from 'express-session';\nimport { doubleCsrf } from 'csrf-csrf';\napp.use(session({ secret }));\nconst { doubleCsrfProtection } = doubleCsrf({});\napp.use(doubleCsrfProtection);",
            true,
            true,
        ),
        (
            "import session from 'express-session';\napp.use(session({ secret, cookie: { secure: true, sameSite: 'lax' } }));",
            true,
            true,
        ),
        (
            "import session from 'express-session';\napp.use(session({ secret }));",
            true,
            false,
        ),
    ];
    for (source, cookie_auth, protected) in cases {
        let mut findings = sink();
        let facts = csrf(&one(source), &mut findings);
        assert_eq!(facts["cookie_auth"], cookie_auth, "{source}");
        assert_eq!(facts["protected"], protected, "{source}");
        let reported = format!("{:?}", findings.findings).contains("csrf-unprotected");
        assert_eq!(reported, cookie_auth && !protected, "{source}");
    }
}

#[test]
fn webhook_routes_need_a_signature_check() {
    let verified = [
        "router.post('/webhooks/stripe', handler);\nconst event = stripe.webhooks.constructEvent(req.body, sig, secret);",
        "app.post('/shopify/webhook', (req, res) => {\n const digest = crypto.createHmac('sha256', secret).update(raw).digest('base64');\n if (!crypto.timingSafeEqual(Buffer.from(digest), Buffer.from(hmac))) return res.sendStatus(401);\n});",
        "router.post('/webhook', async (req) => { await shopify.webhooks.validate({ rawBody }); });",
    ];
    for source in verified {
        let modules = one(source);
        let mut findings = sink();
        let facts = webhooks(
            &modules,
            &crate::scan::routes_by_module(&modules),
            &mut findings,
        );
        assert_eq!(facts["verified"], true, "{source}");
        assert_eq!(
            facts["routes"].as_array().map(Vec::len),
            Some(1),
            "{source}"
        );
        assert!(findings.findings.is_empty(), "{source}");
    }
    let modules =
        one("router.post('/webhooks/stripe', (req, res) => { handle(JSON.parse(req.body)); });");
    let mut findings = sink();
    let facts = webhooks(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut findings,
    );
    assert_eq!(facts["verified"], false);
    assert!(format!("{:?}", findings.findings).contains("webhook-unverified"));
    let modules = one("router.post('/orders', create);");
    let mut findings = sink();
    let facts = webhooks(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut findings,
    );
    assert_eq!(facts["routes"].as_array().map(Vec::len), Some(0));
    assert!(findings.findings.is_empty());
}

#[test]
fn second_factors_are_found() {
    for source in [
        "import { authenticator } from 'otplib';\nauthenticator.verify({ token, secret });",
        "import { verifyRegistrationResponse } from '@simplewebauthn/server';\nawait verifyRegistrationResponse(x);",
        "import { betterAuth } from 'better-auth';\nimport { twoFactor } from 'better-auth/plugins';\nbetterAuth({ plugins: [twoFactor()] });",
    ] {
        let mut findings = sink();
        assert!(
            !two_factor(&one(source), &mut findings)["library"].is_null(),
            "{source}"
        );
    }
    let mut findings = sink();
    assert!(
        two_factor(
            &one("import bcrypt from 'bcrypt';\nbcrypt.compare(a, b);"),
            &mut findings
        )["library"]
            .is_null()
    );
    assert!(format!("{:?}", findings.findings).contains("two-factor-missing"));
}

#[test]
fn password_policies_are_read_from_schemas() {
    let cases = [
        (
            "class Dto {\n  @IsString()\n  @MinLength(8)\n  password: string;\n}",
            Some(8),
        ),
        (
            "class Dto { @IsStrongPassword() password!: string; }",
            Some(8),
        ),
        (
            "const schema = z.object({ email: z.string().email(), password: z.string().min(12) });",
            Some(12),
        ),
        (
            "const body = { password: Joi.string().min(6).required() };",
            Some(6),
        ),
        (
            "const schema = { properties: { password: { type: 'string', minLength: 10 } } };",
            Some(10),
        ),
        (
            "const password = (value, helpers) => {\n  if (value.length < 8) { return helpers.message('short'); }\n  return value;\n};",
            Some(8),
        ),
        (
            "betterAuth({ emailAndPassword: { enabled: true, minPasswordLength: 10 } });",
            Some(10),
        ),
        (
            "const user = { email, password: await hash(password) };",
            None,
        ),
        ("class Dto { @MinLength(8) confirmPassword: string; }", None),
    ];
    for (source, expected) in cases {
        let mut findings = sink();
        let facts = password_policy(&one(source), true, &mut findings);
        assert_eq!(facts["min_length"].as_u64(), expected, "{source}");
        let weak = format!("{:?}", findings.findings).contains("password-policy-weak");
        assert_eq!(weak, expected.is_none_or(|l| l < 8), "{source}");
    }
    let mut findings = sink();
    password_policy(&one("const x = 1;"), false, &mut findings);
    assert!(
        findings.findings.is_empty(),
        "no passwords stored, nothing to say"
    );
}

#[test]
fn secrets_written_to_logs_are_found() {
    let logged = [
        "console.log(process.env.DATABASE_URL);",
        "this.logger.info(`connecting to ${process.env['DATABASE_URL']}`);",
        "logger.debug('secret', configService.get<string>('JWT_SECRET'));",
    ];
    for source in logged {
        let mut findings = sink();
        let facts = secrets_logged(&one(source), &mut findings);
        assert_eq!(facts.as_array().map(Vec::len), Some(1), "{source}");
        assert!(format!("{:?}", findings.findings).contains("secret-logged"));
    }
    for source in [
        "console.log(`listening on ${process.env.PORT}`);",
        "logger.info('database connected', { host: url.hostname });",
        "const url = process.env.DATABASE_URL; db.connect(url);",
    ] {
        let mut findings = sink();
        assert_eq!(
            secrets_logged(&one(source), &mut findings),
            json!([]),
            "{source}"
        );
    }
}

#[test]
fn routes_that_export_and_delete_a_users_data_are_found() {
    let source = "router.get('/users/me/export', exportMine);\nrouter.delete('/users/:id', auth('manageUsers'), remove);\nrouter.get('/orders/export', exportOrders);";
    let modules = one(source);
    let facts = data_rights(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut sink(),
    );
    assert_eq!(facts["export"]["route"], "GET /users/me/export");
    assert_eq!(facts["deletion"]["route"], "DELETE /users/:id");
    let nest =
        "@Controller('account')\nexport class AccountController {\n  @Delete()\n  remove() {}\n}";
    let modules = one(nest);
    let facts = data_rights(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut sink(),
    );
    assert!(facts["export"].is_null());
    // Express chains in a users' routes file, mounted under `/users`.
    let chained = vec![gonogo_analysis::graph::parse_module(
        "src/routes/v1/user.route.js",
        "router.route('/:userId').get(auth('getUsers'), get).delete(auth('manageUsers'), remove);",
    )];
    let facts = data_rights(
        &chained,
        &crate::scan::routes_by_module(&chained),
        &mut sink(),
    );
    assert_eq!(facts["deletion"]["route"], "DELETE /:userId");
    // A user beats a brokerage "account"; a top-level export is the requester's own.
    let modules = one(
        "router.delete('/account/:id', a);\nrouter.delete('/user/:id', b);\nrouter.get('/export', c);",
    );
    let facts = data_rights(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut sink(),
    );
    assert_eq!(facts["deletion"]["route"], "DELETE /user/:id");
    assert_eq!(facts["export"]["route"], "GET /export");
    let modules = one("router.delete('/orders/:id', remove);\nrouter.get('/reports/export', x);");
    let facts = data_rights(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut sink(),
    );
    assert!(
        facts["export"].is_null() && facts["deletion"].is_null(),
        "{facts}"
    );
}

#[test]
fn ai_content_is_moderated_where_a_moderation_api_is_called() {
    let moderated = "import OpenAI from 'openai';\nconst openai = new OpenAI();\nconst verdict = await openai.moderations.create({ input: prompt });\nawait openai.chat.completions.create({ messages });";
    let facts = moderation(&one(moderated), &mut sink());
    assert_eq!(facts["ai_sdk"], "openai");
    assert_eq!(facts["moderated"], true);
    let raw = "import OpenAI from 'openai';\nconst openai = new OpenAI();\nawait openai.chat.completions.create({ messages });";
    let mut findings = sink();
    assert_eq!(moderation(&one(raw), &mut findings)["moderated"], false);
    assert!(format!("{:?}", findings.findings).contains("ai-unmoderated"));
    let gemini = "import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nawait ai.models.generateContent({ model, contents, config: { safetySettings: [{ category, threshold }] } });";
    assert_eq!(moderation(&one(gemini), &mut sink())["moderated"], true);
    let mut findings = sink();
    assert!(moderation(&one("const x = 1;"), &mut findings)["ai_sdk"].is_null());
    assert!(findings.findings.is_empty(), "no AI, nothing to moderate");
}

#[test]
fn a_password_reset_goes_by_email_or_is_reported_missing() {
    let reset = |source: &str| {
        let modules = one(source);
        let mut findings = sink();
        let facts = password_reset(
            &modules,
            &crate::scan::routes_by_module(&modules),
            true,
            &mut findings,
        );
        (facts, format!("{:?}", findings.findings))
    };
    let (facts, findings) = reset(
        "import nodemailer from 'nodemailer';\nconst mail = nodemailer.createTransport({});\nrouter.post('/auth/forgot-password', async (req, res) => { await mail.sendMail({ to: req.body.email }); });",
    );
    assert_eq!(facts["route"], "POST /auth/forgot-password");
    assert_eq!(facts["email_library"], "nodemailer");
    assert_eq!(facts["by_email"], true);
    assert!(!findings.contains("password-reset-missing"), "{findings}");
    let (facts, findings) = reset("router.post('/auth/reset-password', resetPassword);");
    assert_eq!(facts["by_email"], false);
    assert!(
        findings.contains("resets passwords, but the service sends no email"),
        "{findings}"
    );
    let (facts, findings) = reset("router.post('/auth/login', login);");
    assert!(facts["route"].is_null());
    assert!(
        findings.contains("no route resets a forgotten one"),
        "{findings}"
    );
    let (facts, _) = reset(
        "import { betterAuth } from 'better-auth';\nexport const auth = betterAuth({ emailAndPassword: { enabled: true, sendResetPassword: async ({ user, url }) => send(user.email, url) } });",
    );
    assert_eq!(facts["by_email"], true);
}

#[test]
fn each_webhook_route_is_traced_to_a_signature_check() {
    let module = |path: &str, source: &str, resolved: &[&str]| {
        let mut module = gonogo_analysis::graph::parse_module(path, source);
        for (import, target) in module.imports.iter_mut().zip(resolved) {
            import.resolved = Some((*target).to_owned());
        }
        module
    };
    let modules = vec![
        module(
            "src/routes/webhooks.js",
            "import { handleOrder } from '../handlers/orders';\nimport { handleRefund } from '../handlers/refunds';\nrouter.post('/webhooks/orders', handleOrder);\nrouter.post('/webhooks/refunds', handleRefund);",
            &["src/handlers/orders.js", "src/handlers/refunds.js"],
        ),
        module(
            "src/handlers/orders.js",
            "import { verify } from '../lib/hmac';\nexport const handleOrder = (req, res) => { verify(req); };",
            &["src/lib/hmac.js"],
        ),
        module(
            "src/lib/hmac.js",
            "import crypto from 'crypto';\nexport const verify = (req) => crypto.timingSafeEqual(crypto.createHmac('sha256', key).update(req.rawBody).digest(), sig);",
            &[],
        ),
        module(
            "src/handlers/refunds.js",
            "export const handleRefund = (req, res) => res.end();",
            &[],
        ),
        // A second route module mounted by an app that verifies before it.
        module(
            "src/app.js",
            "import { shopify } from './routes/shopify';\nimport crypto from 'crypto';\napp.use('/webhooks/shopify', (req, res, next) => { crypto.createHmac('sha256', k); next(); }, shopify);",
            &["src/routes/shopify.js"],
        ),
        module(
            "src/routes/shopify.js",
            "router.post('/webhooks/shopify/products', update);",
            &[],
        ),
    ];
    let facts = webhooks(
        &modules,
        &crate::scan::routes_by_module(&modules),
        &mut sink(),
    );
    let verified: Vec<(String, bool)> = facts["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().to_owned(),
                r["verified"] == true,
            )
        })
        .collect();
    assert_eq!(
        verified,
        [
            ("/webhooks/orders".to_owned(), true),
            ("/webhooks/refunds".to_owned(), false),
            // The mount itself, whose middleware checks the HMAC.
            ("/webhooks/shopify".to_owned(), true),
            ("/webhooks/shopify/products".to_owned(), true),
        ]
    );
}

#[test]
fn a_refresh_rotates_when_it_invalidates_the_old_token_before_issuing_new_ones() {
    let rotation = |source: &str| {
        let modules = super::tests::one(source);
        let mut findings = super::tests::sink();
        let routes = crate::scan::routes_by_module(&modules);
        let found = refresh_rotation(&modules, &routes, &mut findings);
        (found, format!("{:?}", findings.findings))
    };
    for rotating in [
        // Express and Mongoose (hagopj13/node-express-boilerplate's shape).
        "router.post('/refresh-tokens', validate(v), authController.refreshTokens);\n\
         const refreshAuth = async (refreshToken) => {\n  const refreshTokenDoc = await tokenService.verifyToken(refreshToken, 'refresh');\n  \
         const user = await userService.getUserById(refreshTokenDoc.user);\n  await refreshTokenDoc.remove();\n  return tokenService.generateAuthTokens(user);\n};",
        // Nest with a session hash (brocoders/nestjs-boilerplate's shape).
        "@Controller('auth') export class AuthController {\n  @Post('refresh') refresh(@Request() req) { return this.service.refreshToken(req.user); }\n}\n\
         export class AuthService {\n  async refreshToken(data: Pick<P, 'sessionId'>): Promise<Omit<LoginResponseDto, 'user'>> {\n    const hash = newHash();\n    \
         const session = await this.sessionService.updateByHash({ id: data.sessionId }, { hash });\n    const { token, refreshToken } = await this.getTokensData({ id: session.user.id, hash });\n    return { token, refreshToken };\n  }\n}",
        // An inline handler with Prisma.
        "app.post('/auth/refresh', async (req, res) => {\n  const old = await prisma.refreshToken.findUnique({ where: { token: req.body.token } });\n  \
         await prisma.refreshToken.delete({ where: { id: old.id } });\n  res.json({ refreshToken: jwt.sign({ sub: old.userId }, secret) });\n});",
    ] {
        let (found, findings) = rotation(rotating);
        assert_eq!(found["rotates"], true, "{rotating}\n{found}");
        assert!(!findings.contains("refresh-not-rotated"));
    }
    let (kept, findings) = rotation(
        "app.post('/auth/refresh', async (req, res) => {\n  const payload = jwt.verify(req.body.refreshToken, refreshSecret);\n  \
         await prisma.user.update({ where: { id: payload.sub }, data: { lastSeen: new Date() } });\n  res.json({ accessToken: jwt.sign({ sub: payload.sub }, secret) });\n});",
    );
    assert_eq!(kept["rotates"], false, "{kept}");
    assert_eq!(kept["route"], "POST /auth/refresh");
    assert!(findings.contains("refresh-not-rotated"));
    // Calling a refresh function is not defining one; no refresh route, nothing to judge.
    let (unknown, _) =
        rotation("router.post('/token/refresh', handlers.refresh);\nawait refreshCache();");
    assert!(unknown["rotates"].is_null(), "{unknown}");
    let (none, _) = rotation("app.post('/login', login);");
    assert!(none.is_null());
}
