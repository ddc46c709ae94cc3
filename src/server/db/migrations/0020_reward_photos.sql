CREATE TABLE "reward_claim_photos" (
	"id" uuid PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"file_key" "bytea" NOT NULL,
	"meta" "bytea" NOT NULL,
	"size" bigint NOT NULL,
	"added_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_claim_photos" ADD CONSTRAINT "reward_claim_photos_claim_id_reward_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."reward_claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_claim_photos" ADD CONSTRAINT "reward_claim_photos_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reward_claim_photos_claim_idx" ON "reward_claim_photos" USING btree ("claim_id");