ALTER TABLE "verification_watchlist" ADD COLUMN "birth_known" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "verification_watchlist" ADD COLUMN "added_by" uuid;--> statement-breakpoint
ALTER TABLE "verification_watchlist" ADD COLUMN "sealed_value" "bytea";--> statement-breakpoint
ALTER TABLE "verification_watchlist" ADD COLUMN "key_version" integer;--> statement-breakpoint
ALTER TABLE "verification_watchlist" ADD COLUMN "sealed_note" "bytea";--> statement-breakpoint
ALTER TABLE "verification_watchlist" ADD CONSTRAINT "verification_watchlist_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;