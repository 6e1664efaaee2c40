import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { AppConfig } from '@castellan/core';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends plain-text mail through SMTP_URL. Without SMTP_URL the message is written to the log instead, as the
 * configuration documents: that is the development fallback, and it means the log holds the message, codes
 * included. Production sets SMTP_URL. The mailer holds no state beyond its transport.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(config: AppConfig) {
    this.from = config.mailFrom;
    this.transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.transport) {
      // The documented dev fallback (no SMTP_URL): the whole message goes to the log, codes included.
      this.logger.log(`SMTP_URL is not set; mail to ${message.to}: ${message.subject}\n${message.text}`);
      return;
    }
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
