// What Edgar reaches outside itself in e2e, besides the ALA simulator: a real OpenID Connect
// provider (oidc-provider) and a real SMTP server, both on loopback and started by e2e/server.ts
// before Edgar. Specs drive and read them over HTTP (the provider's /__control), since they run
// in another process.
import { startOidcProvider } from "../test/oidc-provider";
import { startSmtpReceiver } from "../test/smtp-receiver";
import { OIDC_NAME, OIDC_PORT, SMTP_PORT, type ReceivedMail } from "./outside-ports";

export async function startOutsideWorld(publicUrl: string) {
  const smtp = await startSmtpReceiver(SMTP_PORT);
  const provider = await startOidcProvider({
    port: OIDC_PORT,
    redirectUris: [`${publicUrl}/api/auth/callback/oidc`],
    extraControl: async (path, query) => {
      if (path !== "/__control/mail") return undefined;
      const mail = await smtp.next(query.get("to") ?? "", 15_000);
      const answer: ReceivedMail = {
        subject: mail.subject ?? "",
        from: mail.from?.text ?? "",
        to: (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text ?? "",
        messageId: mail.messageId ?? "",
        date: mail.date?.toISOString() ?? "",
        // mailparser gives structured headers as { value, params }.
        contentType: (mail.headers.get("content-type") as { value?: string } | undefined)?.value ?? "",
        text: mail.text ?? "",
        html: typeof mail.html === "string" ? mail.html : "",
      };
      return answer;
    },
  });
  return {
    env: {
      PUBLIC_URL: publicUrl,
      SMTP_URL: smtp.url,
      MAIL_FROM: "Edgar <edgar@e2e.example>",
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_NAME,
      OIDC_SCOPES: "groups",
      OIDC_ROLE_CLAIM: "groups",
      OIDC_EXPERT_VALUES: "bird-vetters",
      OIDC_ADMIN_VALUES: "edgar-admins",
    },
  };
}
