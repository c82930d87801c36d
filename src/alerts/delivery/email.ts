import nodemailer from 'nodemailer';
import { z } from 'zod';

/** SMTP settings: from RETAILOS_SMTP_URL (smtp://user:pass@host:port) and RETAILOS_MAIL_FROM, or given. */
export const smtpSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().positive(),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
  from: z.string().default('retailos alerts <alerts@retailos.local>'),
});
export type SmtpSettings = z.infer<typeof smtpSchema>;

export function smtpFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  const url = env.RETAILOS_SMTP_URL;
  if (!url) return undefined;
  const u = new URL(url);
  return smtpSchema.parse({
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
    secure: u.protocol === 'smtps:',
    user: u.username ? decodeURIComponent(u.username) : undefined,
    pass: u.password ? decodeURIComponent(u.password) : undefined,
    from: env.RETAILOS_MAIL_FROM,
  });
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** Sends one message; a refused or failed send throws (so it is retried). */
export async function sendMail(smtp: SmtpSettings, mail: Mail): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // A local relay or sink without TLS: do not insist on STARTTLS.
    ignoreTLS: !smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
  });
  try {
    await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
  } finally {
    transport.close();
  }
}
