import { z } from "zod";

/**
 * The part of the Bot API `Update` we act on, validated at the edge (grammY's types describe it,
 * zod checks it). Unknown fields are dropped; limits are Telegram's own with some room, so a
 * real update always passes and junk is refused before it reaches the database.
 */
const id = z.number().int().safe();
const str = (max: number) => z.string().max(max);

const user = z.object({
  id: id.positive(),
  is_bot: z.boolean(),
  first_name: str(256),
  last_name: str(256).optional(),
  username: str(64).optional(),
  language_code: str(35).optional(),
});

const chat = z.object({ id, type: str(32) });

const file = z.object({ file_id: z.string().min(1).max(512), file_unique_id: str(512), file_size: z.number().int().nonnegative().optional() });

export const messageSchema = z.object({
  message_id: id.nonnegative(),
  from: user.optional(),
  chat,
  date: z.number().int().nonnegative(),
  edit_date: z.number().int().nonnegative().optional(),
  text: str(8192).optional(),
  caption: str(2048).optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), horizontal_accuracy: z.number().min(0).max(1500).optional() }).optional(),
  contact: z.object({ phone_number: str(64), first_name: str(256), last_name: str(256).optional(), user_id: id.optional() }).optional(),
  photo: z.array(file.extend({ width: z.number().int(), height: z.number().int() })).min(1).max(32).optional(),
  document: file.extend({ file_name: str(512).optional(), mime_type: str(255).optional() }).optional(),
  voice: file.extend({ duration: z.number().int().nonnegative(), mime_type: str(255).optional() }).optional(),
  audio: file.extend({ duration: z.number().int().nonnegative(), file_name: str(512).optional(), mime_type: str(255).optional() }).optional(),
  video: file.extend({ duration: z.number().int().nonnegative(), file_name: str(512).optional(), mime_type: str(255).optional() }).optional(),
  video_note: file.extend({ duration: z.number().int().nonnegative() }).optional(),
});
export type TgMessage = z.infer<typeof messageSchema>;

export const callbackQuerySchema = z.object({
  id: z.string().min(1).max(256),
  from: user,
  // An inaccessible (old) message still has a chat; inline-mode callbacks have none and are ignored.
  message: z.object({ message_id: id.nonnegative(), chat, date: z.number().int().nonnegative().optional() }).optional(),
  data: str(64).optional(),
});
export type TgCallbackQuery = z.infer<typeof callbackQuerySchema>;

/** Only the update id: enough to tell an update from junk, and to make it idempotent. */
export const updateIdSchema = z.object({ update_id: id.nonnegative() });

export const updateSchema = updateIdSchema.extend({
  message: messageSchema.optional(),
  edited_message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
});
export type TgUpdate = z.infer<typeof updateSchema>;
