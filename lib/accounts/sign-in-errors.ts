/**
 * The sentence for an `?error=` code better-auth puts on the error page's URL after a failed
 * OpenID Connect callback. Only known codes get their own sentence; anything else (the parameter
 * is the visitor's to change) gets a general one, and is never shown as given.
 */
const MESSAGES: Record<string, string> = {
  account_disabled: "This account is disabled; ask an administrator.",
  state_mismatch: "The sign-in could not be verified (its state did not match). Please try again.",
  state_invalid: "The sign-in could not be verified (its state was not valid). Please try again.",
  state_security_mismatch: "The sign-in could not be verified (it was started in another browser). Please try again.",
  state_not_found: "The sign-in could not be verified (its state was unknown or expired). Please try again.",
  please_restart_the_process: "The sign-in could not be verified. Please try again.",
  issuer_mismatch: "The identity provider is not the one this site is configured for; sign-in is refused.",
  email_not_verified: "The identity provider has not verified your email address.",
  unable_to_link_account: "Your organisation's account could not be linked to the Edgar account of that email (is the address verified?).",
  invalid_code: "The identity provider's sign-in expired or was already used. Please try again.",
  oauth_code_verification_failed: "The identity provider's sign-in expired or was already used. Please try again.",
  unable_to_get_user_info: "The identity provider did not confirm who you are. Please try again.",
};

export function signInErrorMessage(code: unknown): string | null {
  if (typeof code !== "string" || code === "") return null;
  return MESSAGES[code.toLowerCase()] ?? "Signing in with the identity provider failed. Please try again.";
}
