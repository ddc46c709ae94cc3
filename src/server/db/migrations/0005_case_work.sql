CREATE TABLE "canned_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"language" text DEFAULT 'ru' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "sla_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"first_response_minutes" integer DEFAULT 5 NOT NULL,
	"next_response_minutes" integer DEFAULT 15 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "sla_settings_single_row" CHECK ("sla_settings"."id" = 1),
	CONSTRAINT "sla_settings_positive" CHECK ("sla_settings"."first_response_minutes" > 0 AND "sla_settings"."next_response_minutes" > 0)
);
--> statement-breakpoint
ALTER TABLE "canned_replies" ADD CONSTRAINT "canned_replies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_settings" ADD CONSTRAINT "sla_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canned_replies_position_idx" ON "canned_replies" USING btree ("position");--> statement-breakpoint
-- Hand-written below (not in the drizzle snapshot on purpose: drizzle-kit cannot express them).
-- The inbox's "waiting for a reply" part: a small partial index, its predicate identical to AWAITING in src/server/cases/sla.ts.
-- It covers every column the first part of the inbox reads (scope, filters, due time), so that part is ordered from the index alone.
CREATE INDEX "cases_awaiting_idx" ON "cases" USING btree ("team_id", "assigned_user_id") INCLUDE ("id", "state", "channel", "created_at", "last_inbound_at", "last_outbound_at", "unread_count") WHERE "cases"."state" NOT IN ('closed', 'merged', 'rejected') AND ("cases"."last_outbound_at" IS NULL OR COALESCE("cases"."last_inbound_at" > "cases"."last_outbound_at", false));--> statement-breakpoint
-- The rest of the inbox, newest activity first, read in keyset pages.
CREATE INDEX "cases_updated_idx" ON "cases" USING btree ("updated_at" DESC, "id" DESC);--> statement-breakpoint
CREATE INDEX "cases_unread_idx" ON "cases" USING btree ("team_id") WHERE "unread_count" > 0;--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "cases_merged_into_idx" ON "cases" USING btree ("merged_into") WHERE "merged_into" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_channel_idx" ON "cases" USING btree ("channel", "updated_at");--> statement-breakpoint
INSERT INTO "sla_settings" ("id", "first_response_minutes", "next_response_minutes") VALUES (1, 5, 15) ON CONFLICT DO NOTHING;--> statement-breakpoint
-- Canned replies for the hotline, in Russian (the applicants' language); administrators edit them in the console.
INSERT INTO "canned_replies" ("title", "body", "language", "position") VALUES
('Привітання', 'Здравствуйте! Вы написали на горячую линию «Хочу жить». Мы помогаем безопасно сдаться в плен. Всё, что вы напишете, останется между нами.', 'ru', 10),
('Звання та частина', 'Чтобы мы могли помочь, напишите, пожалуйста: ваше звание, номер воинской части или название подразделения и где вы сейчас находитесь (хотя бы область или направление).', 'ru', 20),
('Особисті дані', 'Укажите фамилию, имя, отчество и дату рождения так, как в военном билете. Если помните личный номер с жетона, тоже напишите его.', 'ru', 30),
('Безпека листування', 'О нашем разговоре никто не узнает. Не храните переписку: после каждого сообщения удаляйте чат и очищайте историю браузера. Не пересылайте наши сообщения никому.', 'ru', 40),
('Прохання зачекати', 'Спасибо, мы получили ваше сообщение. Оператор ответит вам в ближайшее время. Пожалуйста, оставайтесь на связи и не удаляйте этот контакт.', 'ru', 50),
('Коли будете на позиції', 'Когда вас отправят на передовую, напишите нам снова: где вы находитесь, один вы или с группой и сколько вас. Мы подберём время и место.', 'ru', 60),
('Інструкція: дрон', 'Когда прилетит дрон, поднимите руки и идите за ним шагом, не бегите. Если дрон улетел или упал, оставайтесь на месте и ждите следующего. Оружие оставьте, руки держите на виду.', 'ru', 70),
('Біла пов''язка', 'Повяжите белую ткань на левую руку и на левую ногу: так наши бойцы поймут, что вы идёте сдаваться. Подойдёт любая белая тряпка, бинт или кусок футболки.', 'ru', 80),
('Точність у часі', 'Пожалуйста, будьте точны: окно для выхода короткое. Если что-то изменилось или вас перебрасывают, сразу напишите нам.', 'ru', 90),
('Вихід групою', 'Если вы выходите группой, сообщите, сколько вас и есть ли раненые. Каждый должен знать условный сигнал и держаться вместе.', 'ru', 100),
('Техніка та винагорода', 'Если вы перейдёте с исправной техникой, по закону Украины вам положено денежное вознаграждение. Напишите, какая это техника и в каком она состоянии.', 'ru', 110),
('Обмін або залишитися', 'После сдачи в плен вы сами выберете: участвовать в обмене или остаться в Украине. Никто не будет решать это за вас.', 'ru', 120),
('Звернення родича', 'Если вы пишете за родственника, сообщите его данные и как с ним можно связаться. Дальше мы будем говорить с ним напрямую.', 'ru', 130);
