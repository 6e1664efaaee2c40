import { Injectable } from '@nestjs/common';
import { SessionService } from './session.service.js';
import type { CookieWriter } from './session-request.js';
import type { SignedIn } from './sign-in.service.js';
import type { SignInResultDto } from './dto/sign-in.dto.js';

/** Puts what a sign-in opened into the answer's cookie; the token leaves the server there and nowhere else. */
@Injectable()
export class SessionCookies {
  constructor(private readonly sessions: SessionService) {}

  answer({ result, opened }: SignedIn, setCookie: CookieWriter & { secure?: boolean }): SignInResultDto {
    if (opened) setCookie(this.sessions.cookie(opened.token, setCookie.secure ?? false));
    return result;
  }

  clear(setCookie: CookieWriter & { secure?: boolean }): void {
    setCookie(this.sessions.clearedCookie(setCookie.secure ?? false));
  }
}
