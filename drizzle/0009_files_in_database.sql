CREATE TABLE "file_chunks" (
	"file_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "file_chunks_file_id_seq_pk" PRIMARY KEY("file_id","seq")
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "materials" ALTER COLUMN "stored_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "file_id" integer;--> statement-breakpoint
ALTER TABLE "file_chunks" ADD CONSTRAINT "file_chunks_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stored_files_kind_name_idx" ON "stored_files" USING btree ("kind","name");--> statement-breakpoint
CREATE INDEX "stored_files_kind_created_idx" ON "stored_files" USING btree ("kind","created_at");--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_file_check" CHECK ("materials"."file_id" is not null or "materials"."stored_name" is not null);