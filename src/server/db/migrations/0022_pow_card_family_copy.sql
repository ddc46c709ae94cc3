ALTER TABLE "pow_cards" ADD COLUMN "family_issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pow_cards" ADD COLUMN "family_issued_by" uuid;--> statement-breakpoint
ALTER TABLE "pow_cards" ADD CONSTRAINT "pow_cards_family_issued_by_users_id_fk" FOREIGN KEY ("family_issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;