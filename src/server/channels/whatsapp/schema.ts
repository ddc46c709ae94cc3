import { z } from "zod";

/**
 * The WhatsApp Cloud API webhook payload, as far as we use it. The envelope is checked first;
 * each message is then parsed on its own, so one message we cannot read does not hold back the
 * others of the same delivery.
 */
export const envelopeSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z
    .array(
      z.object({
        changes: z
          .array(
            z.object({
              field: z.string().max(64),
              value: z.object({
                metadata: z.object({ phone_number_id: z.string().regex(/^\d{1,32}$/) }).optional(),
                contacts: z.array(z.unknown()).max(100).optional(),
                messages: z.array(z.unknown()).max(100).optional(),
              }),
            }),
          )
          .max(100),
      }),
    )
    .max(100),
});

export const profileSchema = z.object({ wa_id: z.string().max(32), profile: z.object({ name: z.string().max(256) }).partial().optional() });

const media = z.object({ id: z.string().min(1).max(256), mime_type: z.string().max(255).optional(), caption: z.string().max(2048).optional(), filename: z.string().max(512).optional() });

export const messageSchema = z.object({
  from: z.string().regex(/^\d{6,20}$/),
  id: z.string().min(1).max(512),
  /** Unix seconds, as a string: when the applicant sent it (an old one is refused, see isStale). */
  timestamp: z.string().regex(/^\d{1,12}$/).optional(),
  type: z.string().max(32),
  text: z.object({ body: z.string().max(8192) }).optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(1024).optional(), address: z.string().max(1024).optional() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.optional(),
  voice: media.optional(),
  video: media.optional(),
});
export type WaMessage = z.infer<typeof messageSchema>;
