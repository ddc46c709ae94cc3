CREATE TABLE "analytics_daily" (
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_daily_day_channel_metric_key_pk" PRIMARY KEY("day","channel","metric","key")
);
--> statement-breakpoint
CREATE TABLE "analytics_durations" (
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" integer NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"total_seconds" double precision DEFAULT 0 NOT NULL,
	"within_sla" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_durations_day_channel_metric_bucket_pk" PRIMARY KEY("day","channel","metric","bucket")
);
--> statement-breakpoint
CREATE TABLE "analytics_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_events" ADD CONSTRAINT "analytics_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_daily_metric_idx" ON "analytics_daily" USING btree ("metric","day");--> statement-breakpoint
CREATE INDEX "analytics_events_day_idx" ON "analytics_events" USING btree ("day");--> statement-breakpoint
-- The rollups are kept by triggers in the writing transaction (src/server/analytics/tables.ts):
-- exact at every commit, and no job to fall behind. They read channels, directions, states and
-- times only, never a ciphertext.
CREATE FUNCTION analytics_bucket(seconds double precision) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN seconds < 60 THEN 0 ELSE least(24, floor(log(2, (seconds / 60)::numeric))::integer + 1) END
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_bump(d date, ch text, m text, k text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO analytics_daily (day, channel, metric, key, n) VALUES (d, ch, m, k, 1)
  ON CONFLICT (day, channel, metric, key) DO UPDATE SET n = analytics_daily.n + 1
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_duration(d date, ch text, m text, seconds double precision, within integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO analytics_durations (day, channel, metric, bucket, n, total_seconds, within_sla) VALUES (d, ch, m, analytics_bucket(seconds), 1, seconds, within)
  ON CONFLICT (day, channel, metric, bucket) DO UPDATE SET n = analytics_durations.n + 1, total_seconds = analytics_durations.total_seconds + excluded.total_seconds, within_sla = analytics_durations.within_sla + excluded.within_sla
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_on_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_bump((NEW.created_at AT TIME ZONE 'UTC')::date, NEW.channel, 'first_contact', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_case_opened AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION analytics_on_case();
--> statement-breakpoint
CREATE FUNCTION analytics_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  opened timestamptz;
  secs double precision;
  target integer;
BEGIN
  IF NEW.direction = 'in' AND NEW.replaces_id IS NULL THEN
    PERFORM analytics_bump((NEW.created_at AT TIME ZONE 'UTC')::date, NEW.channel, 'inbound', '');
  ELSIF NEW.direction = 'out' THEN
    PERFORM analytics_bump((NEW.created_at AT TIME ZONE 'UTC')::date, NEW.channel, 'outbound', '');
    IF NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = NEW.case_id AND m.direction = 'out' AND m.id <> NEW.id) THEN
      SELECT created_at INTO opened FROM cases WHERE id = NEW.case_id;
      SELECT coalesce((SELECT first_response_minutes FROM sla_settings WHERE id = 1), 5) INTO target;
      secs := greatest(0, extract(epoch FROM NEW.created_at - opened));
      PERFORM analytics_duration((NEW.created_at AT TIME ZONE 'UTC')::date, (SELECT channel FROM cases WHERE id = NEW.case_id), 'first_response', secs, CASE WHEN secs <= target * 60 THEN 1 ELSE 0 END);
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_message AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION analytics_on_message();
--> statement-breakpoint
CREATE FUNCTION analytics_on_case_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ch text;
  opened timestamptz;
  d date := (NEW.at AT TIME ZONE 'UTC')::date;
BEGIN
  IF NEW.to_state IS NULL THEN RETURN NULL; END IF;
  SELECT channel, created_at INTO ch, opened FROM cases WHERE id = NEW.case_id;
  PERFORM analytics_bump(d, ch, 'transition', NEW.to_state);
  IF NEW.from_state = 'verifying' THEN PERFORM analytics_bump(d, ch, 'verdict', NEW.to_state); END IF;
  IF NEW.to_state IN ('verified', 'handed_over', 'registered_pow')
     AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = NEW.case_id AND e.to_state = NEW.to_state AND e.id <> NEW.id) THEN
    PERFORM analytics_duration(d, ch, CASE NEW.to_state WHEN 'verified' THEN 'to_verified' WHEN 'handed_over' THEN 'to_handed_over' ELSE 'to_registered' END, greatest(0, extract(epoch FROM NEW.at - opened)), 0);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_case_event AFTER INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION analytics_on_case_event();
