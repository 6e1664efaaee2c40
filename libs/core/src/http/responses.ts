import { ApiProperty } from '@nestjs/swagger';

/** Cloudinary's answer to a successful delete. */
export class OkMessageDto {
  @ApiProperty({ example: 'ok' })
  message!: 'ok';
}

export const OK: OkMessageDto = { message: 'ok' };
