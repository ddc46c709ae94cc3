CREATE TABLE "pow_card_sendings" (
	"card_id" uuid NOT NULL,
	"copy" text NOT NULL,
	"sent_on" date NOT NULL,
	"via" text NOT NULL,
	"note" "bytea",
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pow_card_sendings_card_id_copy_pk" PRIMARY KEY("card_id","copy")
);
--> statement-breakpoint
ALTER TABLE "pow_card_sendings" ADD CONSTRAINT "pow_card_sendings_card_id_pow_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."pow_cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pow_card_sendings" ADD CONSTRAINT "pow_card_sendings_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;