// Each reader of application code on snippets as they are written, with comments that must not
// count; and the evidence a commit's code gives, as the release rules ask for it.
#include <gtest/gtest.h>

#include <algorithm>

#include "rules/evidence/code_uses.h"
#include "rules/evidence/reader.h"

namespace pgshift::rules::evidence {
namespace {

FileEvidence ReadWith(std::string_view reader, const std::string& path, const std::string& text) {
  FileEvidence out;
  const CodeText code = ReadCode(path, text);
  for (const EvidenceReader* r : AllReaders()) {
    if (r->name == reader && r->accepts(code)) r->read(code, out);
  }
  return out;
}

// "table.column@line" for every use, in order: easy to compare whole.
std::vector<std::string> Uses(const FileEvidence& evidence) {
  std::vector<std::string> out;
  for (const Use& use : evidence.uses) {
    out.push_back(use.table + (use.column.empty() ? "" : "." + use.column) + "@" +
                  std::to_string(use.line));
  }
  return out;
}

bool Has(const std::vector<std::string>& uses, const std::string& use) {
  return std::find(uses.begin(), uses.end(), use) != uses.end();
}

TEST(EvidenceReaders, EveryReaderIsRegisteredOnce) {
  std::vector<std::string_view> names;
  for (const EvidenceReader* r : AllReaders()) names.push_back(r->name);
  EXPECT_EQ(names,
            (std::vector<std::string_view>{"active-record", "diesel", "django", "ent",
                                           "go-struct-tags", "prisma", "sql-strings",
                                           "sqlalchemy", "typeorm"}));
}

TEST(EvidenceReaders, Prisma) {
  const FileEvidence e =
      ReadWith("prisma", "prisma/schema.prisma",
               "// model Ghost { id Int @id }\n"
               "model Document {\n"
               "  id       Int       @id\n"
               "  signedAt DateTime? @map(\"signed_at\") // was signed\n"
               "  owner    User      @relation(fields: [ownerId], references: [id])\n"
               "  ownerId  Int       @map(\"owner_id\")\n"
               "  /// legacy Int\n"
               "  @@map(\"documents\")\n"
               "}\n");
  EXPECT_EQ(Uses(e), (std::vector<std::string>{"documents@2", "documents.id@3",
                                               "documents.signed_at@4", "documents.owner_id@6"}));
  ASSERT_EQ(e.models.size(), 1u);
  EXPECT_EQ(e.models[0].table, "documents");
}

TEST(EvidenceReaders, GoStructTags) {
  const FileEvidence e = ReadWith("go-struct-tags", "internal/store/user.go",
                                  "package store\n"
                                  "// type Ghost struct { X int `db:\"ghost\"` }\n"
                                  "type User struct {\n"
                                  "\tID    int64  `db:\"id\"`\n"
                                  "\tEmail string `db:\"email\" json:\"email\"`\n"
                                  "\tSkip  string `db:\"-\"`\n"
                                  "}\n");
  // A db:"x" struct does not say its table: its columns belong to the tables its file names.
  EXPECT_EQ(Uses(e), (std::vector<std::string>{".id@4", ".email@5"}));
  const FileEvidence gorm = ReadWith("go-struct-tags", "models/account.go",
                                     "package models\nimport \"gorm.io/gorm\"\n"
                                     "type LegacyAccount struct {\n"
                                     "\tgorm.Model\n"
                                     "\tName string `gorm:\"column:full_name\"`\n"
                                     "\tFlag bool\n"
                                     "}\n");
  const auto uses = Uses(gorm);
  EXPECT_TRUE(Has(uses, "legacy_accounts@3")) << ::testing::PrintToString(uses);
  EXPECT_TRUE(Has(uses, "legacy_accounts.full_name@5"));
  EXPECT_TRUE(Has(uses, "legacy_accounts.flag@6"));
  EXPECT_TRUE(Has(uses, "legacy_accounts.deleted_at@3"));
}

TEST(EvidenceReaders, GoTableNameAndBeegoTags) {
  // beego: orm:"column(x)" tags, and TableName() naming the table.
  const FileEvidence beego = ReadWith("go-struct-tags", "src/common/models/cve_allowlist.go",
                                      "package models\n"
                                      "type CVEWhitelist struct {\n"
                                      "\tID     int64  `orm:\"pk;auto;column(id)\" json:\"id\"`\n"
                                      "\tItems  []Item `orm:\"-\" json:\"items\"`\n"
                                      "\tExpiry *int64 `orm:\"column(expires_at)\"`\n"
                                      "}\n"
                                      "// func (c *Ghost) TableName() string { return \"ghost\" }\n"
                                      "func (c *CVEWhitelist) TableName() string {\n"
                                      "\treturn \"cve_whitelist\"\n"
                                      "}\n");
  EXPECT_EQ(Uses(beego), (std::vector<std::string>{"cve_whitelist@2", "cve_whitelist.id@3",
                                                   "cve_whitelist.expires_at@5"}));
  // A struct without tags maps the table its TableName() returns.
  const FileEvidence bare = ReadWith("go-struct-tags", "pkg/model.go",
                                     "package model\n"
                                     "type Label struct {\n\tID int64\n}\n"
                                     "func (Label) TableName() string { return \"harbor_label\" }\n");
  EXPECT_EQ(Uses(bare), (std::vector<std::string>{"harbor_label@2"}));
}

TEST(EvidenceReaders, Diesel) {
  // schema.rs as diesel print-schema writes it: generated, and read all the same.
  const FileEvidence schema =
      ReadWith("diesel", "crates/db/src/schema.rs",
               "// @generated automatically by Diesel CLI.\n"
               "// diesel::table! { ghost (id) { id -> Int4, } }\n"
               "diesel::table! {\n"
               "    use diesel::sql_types::*;\n"
               "    /// Invitations. users::table is in a doc comment.\n"
               "    crate_owner_invitations (invited_user_id, crate_id) {\n"
               "        /// The `invited_user_id` column.\n"
               "        invited_user_id -> Int4,\n"
               "        token_generated_at -> Nullable<Timestamp>,\n"
               "        #[sql_name = \"type\"]\n"
               "        r#type -> Text,\n"
               "        tags -> Array<Nullable<Text>>,\n"
               "    }\n"
               "}\n"
               "table! {\n"
               "    public.badges (crate_id) {\n"
               "        crate_id -> Int4,\n"
               "    }\n"
               "}\n");
  EXPECT_EQ(Uses(schema),
            (std::vector<std::string>{"crate_owner_invitations@6",
                                      "crate_owner_invitations.invited_user_id@8",
                                      "crate_owner_invitations.token_generated_at@9",
                                      "crate_owner_invitations.type@11",
                                      "crate_owner_invitations.tags@12", "badges@16",
                                      "badges.crate_id@17"}));
  // Hand-written code: the model's table_name, table paths, and columns of those tables.
  const FileEvidence code = ReadWith(
      "diesel", "src/bin/backfill.rs",
      "use diesel::prelude::*;\n"
      "use crate::schema::{cache_tags_backfills, crates};\n"
      "use crate::schema::image_upload::dsl::{image_upload, local_user_id};\n"
      "// let q = ghosts::table.select(ghosts::name);\n"
      "#[derive(Insertable)]\n"
      "#[diesel(table_name = cache_tags_backfills)]\n"
      "struct NewRow { crate_id: i32 }\n"
      "fn run() { crates::table.select(crates::name).load(conn); }\n"
      "fn other() { std::fs::read(\"x\"); }\n");
  const auto uses = Uses(code);
  for (const char* use : {"cache_tags_backfills@2", "crates@2", "image_upload@3",
                          "image_upload.local_user_id@3", "cache_tags_backfills@6", "crates@8",
                          "crates.name@8"}) {
    EXPECT_TRUE(Has(uses, use)) << use << " in " << ::testing::PrintToString(uses);
  }
  // Comments are no evidence, nor are paths of modules that are no tables here.
  for (const auto& use : uses) {
    EXPECT_EQ(use.find("ghost"), std::string::npos) << use;
    EXPECT_EQ(use.find("std"), std::string::npos) << use;
    EXPECT_EQ(use.find("diesel"), std::string::npos) << use;
  }
  // A Rust file that is not Diesel code gives nothing.
  EXPECT_TRUE(ReadWith("diesel", "src/main.rs", "fn main() { users::table(); }\n").uses.empty());
}

// "table@line" for every load of a table whole.
std::vector<std::string> WholeLoads(const FileEvidence& evidence) {
  std::vector<std::string> out;
  for (const WholeLoad& load : evidence.whole_loads) {
    out.push_back(load.table + "@" + std::to_string(load.line));
  }
  return out;
}

TEST(EvidenceReaders, DieselStructsLoadedWithTheDefaultSelect) {
  const FileEvidence e = ReadWith(
      "diesel", "src/models.rs",
      "use diesel::prelude::*;\n"
      "/// The model of a row.\n"                                            // 2
      "#[derive(Clone, Debug, Identifiable, Queryable)]\n"                   // 3
      "#[diesel(primary_key(invited_user_id, crate_id))]\n"
      "pub struct CrateOwnerInvitation { pub token_created_at: i32 }\n"     // 5
      "#[derive(Queryable, Identifiable)]\n"
      "#[diesel(table_name = crate::schema::site)]\n"
      "pub(crate) struct Site { id: i32 }\n"                                 // 8
      "#[derive(HasQuery, Queryable)]\n"
      "struct Version { id: i32 }\n"                                         // 10
      "#[derive(diesel::Queryable, diesel::Selectable)]\n"
      "#[diesel(table_name = users)]\n"
      "struct User { id: i32 }\n"                                            // 13
      "#[derive(Queryable)]\n"
      "#[table_name = \"old_style\"]\n"
      "struct Anything { id: i32 }\n"                                        // 16
      "#[cfg_attr(feature = \"full\", derive(Queryable, Identifiable))]\n"
      "#[cfg_attr(feature = \"full\", diesel(table_name = person))]\n"
      "pub struct Person { id: i32 }\n"                                      // 19
      "#[derive(QueryableByName)]\n"
      "struct Count { n: i64 }\n"                                            // 21
      "#[derive(Queryable)]\n"
      "fn not_a_struct() {}\n"
      "struct Plain { id: i32 }\n"                                           // 24
      "// #[derive(Queryable)]\n"
      "struct Commented { id: i32 }\n"                                       // 26
      "fn q() { badges::table.select(badges::all_columns).load(conn); }\n"); // 27
  EXPECT_EQ(WholeLoads(e),
            (std::vector<std::string>{"badges@27", "crate_owner_invitations@5", "site@8",
                                      "old_style@16", "person@19"}));
}

TEST(EvidenceReaders, DieselModelFieldsAreColumnsOfTheirTable) {
  const FileEvidence e = ReadWith(
      "diesel", "src/models/post.rs",
      "use diesel::prelude::*;\n"
      "#[derive(Queryable, Selectable)]\n"                                   // 2
      "#[diesel(table_name = crate::schema::posts)]\n"
      "pub struct Post<'a> {\n"
      "    pub id: i32,\n"                                                   // 5
      "    /// The title; body: is in a doc comment.\n"
      "    #[diesel(column_name = \"headline\")]\n"
      "    pub title: Cow<'a, str>,\n"                                       // 8
      "    #[diesel(column_name = r#kind)]\n"
      "    pub(crate) r#type: Option<Vec<(i32, String)>>,\n"                 // 10
      "    #[diesel(select_expression = posts::id + 1)]\n"
      "    pub next: i32,\n"                                                 // 12
      "    #[diesel(embed)]\n"
      "    pub author: Author,\n"                                            // 14
      "    pub tags: HashMap<String, [u8; 4]>,\n"                            // 15
      "    pub on_save: fn(i32) -> Result<(), Error>,\n"                     // 16
      "    r#match: bool\n"                                                  // 17
      "}\n"
      "#[derive(Insertable, AsChangeset)]\n"
      "pub struct NewComment { body: String, post_id: i32 }\n"               // 20
      "#[derive(Queryable)]\n"
      "pub struct Pair(i32, String);\n"                                      // 22
      "#[derive(Debug, serde::Serialize)]\n"
      "pub struct PostResponse { secret: String }\n");                       // 24
  const auto uses = Uses(e);
  // Each field is its column: named like the field, or as column_name says; raw identifiers
  // without their prefix. A struct without table_name has the table Diesel infers.
  for (const char* use : {"posts.id@5", "posts.headline@8", "posts.kind@10", "posts.tags@15",
                          "posts.on_save@16", "posts.match@17", "new_comments.body@20",
                          "new_comments.post_id@20"}) {
    EXPECT_TRUE(Has(uses, use)) << use << " in " << ::testing::PrintToString(uses);
  }
  // A field read from an expression or embedding another struct maps no column; the doc comment
  // is none; a tuple struct has no named fields; a struct that derives no Diesel trait is no model.
  for (const auto& use : uses) {
    EXPECT_EQ(use.find("posts.title"), std::string::npos) << use;
    EXPECT_EQ(use.find("posts.type"), std::string::npos) << use;
    EXPECT_EQ(use.find("posts.next"), std::string::npos) << use;
    EXPECT_EQ(use.find("posts.author"), std::string::npos) << use;
    EXPECT_EQ(use.find("posts.body"), std::string::npos) << use;
    EXPECT_EQ(use.find("pairs"), std::string::npos) << use;
    EXPECT_EQ(use.find("secret"), std::string::npos) << use;
    EXPECT_EQ(use.find("post_responses"), std::string::npos) << use;
  }
  // The column a field maps is cited by its model and field.
  const auto field = std::find_if(e.uses.begin(), e.uses.end(), [](const Use& u) {
    return u.table == "posts" && u.column == "headline";
  });
  ASSERT_NE(field, e.uses.end());
  EXPECT_EQ(field->how, "Diesel model Post field title");
  EXPECT_EQ(field->kind, UseKind::kModelColumn);
  EXPECT_FALSE(field->only_if_loaded_whole);
}

TEST(CodeUses, ABareColumnNameInRustIsNoUseOfATableDieselLists) {
  const std::string schema =
      "// @generated automatically by Diesel CLI.\n"
      "diesel::table! {\n    users (id) {\n        id -> Int4,\n"
      "        legacy_token -> Nullable<Text>,\n    }\n}\n";
  // An API type of a handler that names users has a field legacy_token: Diesel never reads it.
  const std::string handler =
      "use crate::schema::users;\n"
      "#[derive(serde::Serialize)]\n"
      "pub struct UserView { legacy_token: Option<String> }\n"
      "fn f() { users::table.select(users::id).load(conn); }\n";
  CodeUsesBuilder api;
  api.AddFile("src/schema.rs", schema);
  api.AddFile("src/handlers/user.rs", handler);
  EXPECT_TRUE(api.Build()->Find("users", "legacy_token").empty());
  // The same name in code that is not Rust still counts, since no table! governs it there.
  CodeUsesBuilder mixed;
  mixed.AddFile("src/schema.rs", schema);
  mixed.AddFile("web/user.ts", "const q = users.legacy_token;\n");
  EXPECT_EQ(mixed.Build()->Find("users", "legacy_token").total, 1u);
  // A Diesel model field is a use, and so is a path.
  CodeUsesBuilder model;
  model.AddFile("src/schema.rs", schema);
  model.AddFile("src/handlers/user.rs", handler);
  model.AddFile("src/models/user.rs",
                "use diesel::prelude::*;\n#[derive(Queryable, Selectable)]\n"
                "#[diesel(table_name = users)]\n"
                "pub struct User { pub id: i32, pub legacy_token: Option<String> }\n"
                "fn g() { users::table.filter(users::legacy_token.is_null()); }\n");
  const Evidence used = model.Build()->Find("users", "legacy_token");
  ASSERT_EQ(used.total, 2u);
  EXPECT_EQ(used.strongest[0].how, "Diesel model User field legacy_token");
  // Without table! the table's columns are unknown, and a bare name counts as before.
  CodeUsesBuilder unlisted;
  unlisted.AddFile("src/handlers/user.rs", handler);
  EXPECT_EQ(unlisted.Build()->Find("users", "legacy_token").total, 1u);
}

TEST(CodeUses, DieselsListedColumnIsUsedWhereCodeLoadsItsTableWhole) {
  const std::string schema =
      "// @generated automatically by Diesel CLI.\n"
      "diesel::table! {\n    versions (id) {\n        id -> Int4,\n"
      "        semver_ord -> Nullable<Jsonb>,\n    }\n}\n";
  // Loaded whole by a Queryable struct (its table inferred from its name): the column is read.
  CodeUsesBuilder whole;
  whole.AddFile("src/schema.rs", schema);
  whole.AddFile("src/models/version.rs",
                "use diesel::prelude::*;\n#[derive(Identifiable, Queryable)]\n"
                "pub struct Version { pub id: i32 }\n");
  const Evidence read = whole.Build()->Find("versions", "semver_ord");
  ASSERT_EQ(read.total, 1u);
  EXPECT_EQ(read.strongest[0].Place(), "src/schema.rs:5");
  EXPECT_NE(read.strongest[0].how.find("Queryable Version"), std::string::npos)
      << read.strongest[0].how;
  EXPECT_NE(read.strongest[0].how.find("src/models/version.rs:3"), std::string::npos);
  // A HasQuery or Selectable model selects its own fields: the listing alone is no use.
  CodeUsesBuilder selected;
  selected.AddFile("src/schema.rs", schema);
  selected.AddFile("src/models/version.rs",
                   "use diesel::prelude::*;\n#[derive(HasQuery, Identifiable)]\n"
                   "pub struct Version { pub id: i32 }\n");
  selected.AddFile("src/models/user.rs",
                   "use diesel::prelude::*;\n#[derive(Queryable, Selectable)]\n"
                   "#[diesel(table_name = versions)]\npub struct Other { pub id: i32 }\n");
  const auto uses = selected.Build();
  EXPECT_TRUE(uses->Find("versions", "semver_ord").empty());
  EXPECT_FALSE(uses->Find("versions").empty());  // the table stays used
  // A field named like the column in a model of the table is a use as before, and so is a path.
  CodeUsesBuilder named;
  named.AddFile("src/schema.rs", schema);
  named.AddFile("src/models/version.rs",
                "use diesel::prelude::*;\n#[derive(HasQuery)]\n#[diesel(table_name = versions)]\n"
                "pub struct Version { pub id: i32, pub semver_ord: Option<String> }\n"
                "fn f() { versions::table.select(versions::semver_ord); }\n");
  EXPECT_EQ(named.Build()->Find("versions", "semver_ord").total, 2u);
  // Another table loaded whole does not make this one's listing a use.
  CodeUsesBuilder other;
  other.AddFile("src/schema.rs", schema);
  other.AddFile("src/models/crate.rs",
                "use diesel::prelude::*;\n#[derive(Queryable)]\npub struct Crate { id: i32 }\n");
  EXPECT_TRUE(other.Build()->Find("versions", "semver_ord").empty());
}

TEST(EvidenceReaders, Ent) {
  const FileEvidence e =
      ReadWith("ent", "ent/schema/user.go",
               "package schema\n"
               "// field.String(\"ghost\")\n"
               "func (User) Fields() []ent.Field {\n"
               "\treturn []ent.Field{\n"
               "\t\tfield.String(\"name\"),\n"
               "\t\tfield.Time(\"signed\").StorageKey(\"signed_at\"),\n"
               "\t}\n"
               "}\n"
               "func (User) Annotations() []schema.Annotation {\n"
               "\treturn []schema.Annotation{entsql.Annotation{Table: \"people\"}}\n"
               "}\n");
  EXPECT_EQ(Uses(e), (std::vector<std::string>{"people@3", "people.name@5", "people.signed_at@6"}));
}

TEST(EvidenceReaders, Django) {
  const FileEvidence e =
      ReadWith("django", "shop/models.py",
               "from django.db import models\n"
               "# class Ghost(models.Model): x = models.IntegerField()\n"
               "class Order(models.Model):\n"
               "    total = models.IntegerField()\n"
               "    # note = models.TextField()\n"
               "    customer = models.ForeignKey('Customer', on_delete=models.CASCADE)\n"
               "    code = models.CharField(max_length=9, db_column='order_code')\n"
               "    tags = models.ManyToManyField('Tag')\n"
               "\n"
               "class Customer(models.Model):\n"
               "    name = models.TextField()\n"
               "    class Meta:\n"
               "        db_table = 'customers'\n");
  EXPECT_EQ(Uses(e), (std::vector<std::string>{
                         "shop_order@3", "shop_order.total@4", "shop_order.customer_id@6",
                         "shop_order.order_code@7", "customers@10", "customers.name@11"}));
}

TEST(EvidenceReaders, SqlAlchemy) {
  const FileEvidence e = ReadWith("sqlalchemy", "app/models.py",
                                  "class User(Base):\n"
                                  "    __tablename__ = 'users'\n"
                                  "    id = Column(Integer, primary_key=True)\n"
                                  "    # legacy = Column(Boolean)\n"
                                  "    flag: Mapped[bool] = mapped_column('legacy_flag')\n"
                                  "\n"
                                  "events = Table('events', metadata, Column('id', Integer),\n"
                                  "               Column('kind', Text))\n");
  EXPECT_EQ(Uses(e), (std::vector<std::string>{"users@1", "users.id@3", "users.legacy_flag@5",
                                               "events@7", "events.id@7", "events.kind@8"}));
}

TEST(EvidenceReaders, ActiveRecord) {
  const FileEvidence e = ReadWith("active-record", "app/models/user_account.rb",
                                  "# class Ghost < ApplicationRecord\n"
                                  "class UserAccount < ApplicationRecord\n"
                                  "  self.ignored_columns += %w[legacy_flag]\n"
                                  "end\n"
                                  "module Admin\n"
                                  "  class Person < ActiveRecord::Base\n"
                                  "    self.table_name = 'staff'\n"
                                  "  end\n"
                                  "end\n");
  EXPECT_EQ(Uses(e), (std::vector<std::string>{"user_accounts@2", "user_accounts.*@2", "staff@6",
                                               "staff.*@6"}));
  ASSERT_EQ(e.ignored.size(), 1u);
  EXPECT_EQ(e.ignored[0], (std::pair<std::string, std::string>{"user_accounts", "legacy_flag"}));
}

TEST(EvidenceReaders, TypeOrm) {
  const FileEvidence e = ReadWith("typeorm", "src/entity/Document.ts",
                                  "// @Entity('ghosts') class Ghost {}\n"
                                  "@Entity({ name: 'documents' })\n"
                                  "export class Document {\n"
                                  "  @PrimaryGeneratedColumn()\n"
                                  "  id: number;\n"
                                  "  @Column({ name: 'signed_at', nullable: true })\n"
                                  "  signedAt?: Date;\n"
                                  "  /* @Column() legacy: string; */\n"
                                  "  @ManyToOne(() => User)\n"
                                  "  @JoinColumn({ name: 'owner_id' })\n"
                                  "  owner: User;\n"
                                  "}\n"
                                  "@Entity()\nexport class AuditLog {}\n");
  EXPECT_EQ(Uses(e),
            (std::vector<std::string>{"documents@2", "documents.id@4", "documents.signed_at@6",
                                      "documents.owner_id@10", "audit_log@13"}));
}

TEST(EvidenceReaders, SqlStrings) {
  const FileEvidence e =
      ReadWith("sql-strings", "src/report.ts",
               "// SELECT ghost FROM ghosts\n"
               "const a = `SELECT u.legacy_flag, name FROM users u WHERE id = $1`;\n"
               "const b = knex('orders');\n"
               "const c = 'just a sentence from someone';\n");
  const auto uses = Uses(e);
  EXPECT_TRUE(Has(uses, "users@2")) << ::testing::PrintToString(uses);
  EXPECT_TRUE(Has(uses, "users.legacy_flag@2"));
  EXPECT_TRUE(Has(uses, "users.name@2"));
  EXPECT_TRUE(Has(uses, "orders@3"));
  EXPECT_FALSE(Has(uses, "ghosts@1"));
  EXPECT_FALSE(Has(uses, "someone@4"));
  // Unquoted names fold to lower case; quoted ones keep theirs.
  const auto folded = Uses(ReadWith("sql-strings", "q/report.sql",
                                    "-- SELECT x FROM ghosts;\nSELECT LEGACY_FLAG FROM Users;\n"
                                    "SELECT \"signedAt\" FROM \"Document\";\n"));
  EXPECT_TRUE(Has(folded, "users.legacy_flag@2")) << ::testing::PrintToString(folded);
  EXPECT_TRUE(Has(folded, "Document.signedAt@3"));
  EXPECT_FALSE(Has(folded, "ghosts@1"));
  // DDL is no use: a schema dump names nothing.
  EXPECT_TRUE(
      Uses(ReadWith("sql-strings", "q/views.sql", "CREATE TABLE users (a int);\n")).empty());
}

TEST(EvidenceReaders, SqlStringThatIsATablesNameNamesTheTable) {
  // sqlc queries that hand a table's name to an SQL function, which runs SQL over it.
  const FileEvidence e = ReadWith(
      "sql-strings", "pkg/sqlcv1/tasks.sql",
      "-- name: CreatePartitions :exec\n"
      "-- SELECT create_partition('ghost_table', @date::date);\n"
      "SELECT\n"
      "    create_v1_range_partition('v1_task', @date::date),\n"
      "    create_v1_weekly_range_partition('public.v1_event_lookup', @date::date)\n"
      ";\n"
      "SELECT id FROM v1_task WHERE kind = 'a sentence, not a name' AND q = 'it''s';\n"
      "CREATE TABLE t (kind text DEFAULT 'created_in_ddl');\n");
  const auto uses = Uses(e);
  EXPECT_TRUE(Has(uses, "v1_task@4")) << ::testing::PrintToString(uses);
  EXPECT_TRUE(Has(uses, "v1_event_lookup@5"));  // schema-qualified: the table is the last part
  EXPECT_TRUE(Has(uses, "v1_task@7"));
  EXPECT_FALSE(Has(uses, "ghost_table@2"));     // a comment
  EXPECT_FALSE(Has(uses, "created_in_ddl@8"));  // DDL is no use
  for (const Use& use : e.uses) {
    EXPECT_EQ(use.table.find(' '), std::string::npos) << use.table;  // no sentence is a name
    if (use.line == 5) {
      EXPECT_EQ(use.kind, UseKind::kTableString);
    }
  }
  // The same in SQL held by a string of code.
  const auto in_code = Uses(ReadWith(
      "sql-strings", "src/partitions.go",
      "const q = \"SELECT create_partition('audit_log', $1)\"\n"));
  EXPECT_TRUE(Has(in_code, "audit_log@1")) << ::testing::PrintToString(in_code);
  // Quotes inside a string are no new string, and a value that is no name names nothing.
  const auto values = Uses(ReadWith("sql-strings", "q/report.sql",
                                    "SELECT id FROM users WHERE note = 'x'' OR ''y';\n"));
  EXPECT_EQ(values, (std::vector<std::string>{"users@1", "users.id@1", "users.note@1"}));
}

TEST(EvidenceReaders, LargeFilesWithoutWhatTheyLookForEndQuickly) {
  // Half a megabyte after an opening the reader looks to close: no pattern may walk it byte by
  // byte in recursion.
  const std::string filler(400 * 1024, 'x');
  EXPECT_TRUE(ReadWith("ent", "ent/schema/a.go",
                       "package schema\nvar _ ent.Field\nfunc (A) Annotations() []schema.Annotation {\n" +
                           filler + "\n")
                  .uses.empty());
  EXPECT_TRUE(ReadWith("typeorm", "src/a.ts", "@Entity(\n" + filler + "\n").uses.empty());
}

// --- the evidence of a commit's code -------------------------------------------------------

TEST(CodeUses, AColumnCountsOnlyWhereItsTableIsNamedOrMapped) {
  CodeUsesBuilder code;
  code.AddFile("app/report.py", "def report(user):\n    return user.legacy_flag\n");
  code.AddFile("app/other.py", "def other(order):\n    return order.legacy_flag\n");
  const auto uses = code.Build();
  const Evidence found = uses->Find("users", "legacy_flag");
  EXPECT_EQ(found.total, 1u);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.strongest[0].Place(), "app/report.py:2");
  EXPECT_TRUE(uses->Find("accounts", "legacy_flag").empty());
}

TEST(CodeUses, TheStrongestUseComesFirstAndTheOthersAreCounted) {
  CodeUsesBuilder code;
  code.AddFile("z/query.go", "package z\nconst q = \"SELECT signed_at FROM documents\"\n");
  code.AddFile("prisma/schema.prisma",
               "model Document {\n  id Int @id\n  signedAt DateTime @map(\"signed_at\")\n"
               "  @@map(\"documents\")\n}\n");
  code.AddFile("web/doc.ts",
               "// signedAt\nexport function show(document) { return document.signedAt; }\n");
  const Evidence found = code.Build()->Find("documents", "signed_at");
  ASSERT_EQ(found.total, 3u);
  EXPECT_EQ(found.strongest[0].Place(), "prisma/schema.prisma:3");
  EXPECT_EQ(found.strongest[0].kind, UseKind::kModelColumn);
  EXPECT_EQ(found.strongest[1].Place(), "z/query.go:2");
  EXPECT_EQ(found.strongest[2].Place(), "web/doc.ts:2");  // not line 1: a comment
}

TEST(CodeUses, ActiveRecordUsesEveryColumnButTheIgnoredOnes) {
  CodeUsesBuilder code;
  code.AddFile("app/models/user.rb",
               "class User < ApplicationRecord\n  self.ignored_columns = [:legacy_flag]\nend\n");
  const auto uses = code.Build();
  EXPECT_EQ(uses->Find("users", "email").total, 1u);
  EXPECT_TRUE(uses->Find("users", "legacy_flag").empty());
  EXPECT_EQ(uses->Find("users").total, 1u);
}

TEST(CodeUses, FilesThatAreNoEvidence) {
  const std::string sql = "const q = \"SELECT legacy_flag FROM users\";\n";
  EXPECT_EQ(ClassifyFile("web/schema.svg", "<svg>" + sql + "</svg>"), FileClass::kNotCode);
  EXPECT_EQ(ClassifyFile("docs/guide.md", sql), FileClass::kNotCode);
  EXPECT_EQ(ClassifyFile("vendor/lib/q.js", sql), FileClass::kVendored);
  EXPECT_EQ(ClassifyFile("node_modules/x/q.js", sql), FileClass::kVendored);
  EXPECT_EQ(ClassifyFile("gen/q.go", "// Code generated by sqlc. DO NOT EDIT.\n" + sql),
            FileClass::kGenerated);
  EXPECT_EQ(ClassifyFile("api/q.pb.go", sql), FileClass::kGenerated);
  EXPECT_EQ(ClassifyFile("web/q.js", std::string("\0", 1) + sql), FileClass::kBinary);
  EXPECT_EQ(ClassifyFile("web/q.min.js", sql), FileClass::kMinified);
  EXPECT_EQ(ClassifyFile("web/q.test.ts", sql), FileClass::kTest);
  EXPECT_EQ(ClassifyFile("svelte/src/lib/Header.stories.svelte", sql), FileClass::kTest);
  EXPECT_EQ(ClassifyFile("web/src/Header.story.tsx", sql), FileClass::kTest);
  EXPECT_EQ(ClassifyFile("web/q.ts", sql), FileClass::kCode);
  CodeUsesBuilder code;
  code.AddFile("gen/q.go", "// Code generated by sqlc. DO NOT EDIT.\n" + sql);
  code.AddFile("web/q.js", std::string("\0", 1) + sql);
  EXPECT_TRUE(code.Build()->Find("users", "legacy_flag").empty());
}

TEST(CodeUses, DieselsGeneratedSchemaIsTheModelOfItsTables) {
  // Generated by diesel print-schema, and still evidence: the default select reads every column
  // it lists, here through the Queryable Invitation. Other generated files stay no evidence.
  CodeUsesBuilder code;
  code.AddFile("src/schema.rs",
               "// @generated automatically by Diesel CLI.\n"
               "diesel::table! {\n    invitations (id) {\n        id -> Int4,\n"
               "        token_generated_at -> Nullable<Timestamp>,\n    }\n}\n");
  code.AddFile("src/invitation.rs",
               "#[derive(Queryable)]\nstruct Invitation { id: i32, token_created_at: i32 }\n");
  code.AddFile("gen/q.go", "// Code generated by sqlc. DO NOT EDIT.\nconst q = \"SELECT x FROM t\"\n");
  const auto uses = code.Build();
  const Evidence column = uses->Find("invitations", "token_generated_at");
  ASSERT_EQ(column.total, 1u);
  EXPECT_EQ(column.strongest[0].Place(), "src/schema.rs:5");
  EXPECT_EQ(column.strongest[0].kind, UseKind::kModelColumn);
  EXPECT_FALSE(uses->Find("invitations").empty());
  EXPECT_TRUE(uses->Find("invitations", "token").empty());
  EXPECT_TRUE(uses->Find("t", "x").empty());
}

TEST(CodeUses, AColumnAnOrmListsEveryColumnButItIsNoUseByName) {
  // schema.rs lists every column Diesel can read of users, and api_token is not among them: the
  // word in a front end that names users is something else.
  const std::string schema =
      "// @generated automatically by Diesel CLI.\n"
      "diesel::table! {\n    users (id) {\n        id -> Int4,\n        gh_login -> Text,\n    }\n}\n";
  CodeUsesBuilder code;
  code.AddFile("src/schema.rs", schema);
  code.AddFile("app/models/user.js", "export default class User { api_token; gh_login; }\n");
  const auto uses = code.Build();
  EXPECT_TRUE(uses->Find("users", "api_token").empty());
  // Listed: the name counts as before (the listing itself only where users is loaded whole).
  EXPECT_EQ(uses->Find("users", "gh_login").total, 1u);
  // SQL that names both is still a use: it does not go through the ORM.
  CodeUsesBuilder with_sql;
  with_sql.AddFile("src/schema.rs", schema);
  with_sql.AddFile("src/report.rs", "const Q: &str = \"SELECT api_token FROM users\";\n");
  EXPECT_EQ(with_sql.Build()->Find("users", "api_token").total, 1u);
  // Without a complete listing (no schema.rs), the name in a file that names the table counts.
  CodeUsesBuilder unlisted;
  unlisted.AddFile("app/models/user.js", "export default class User { api_token; }\n");
  EXPECT_EQ(unlisted.Build()->Find("users", "api_token").total, 1u);
}

}  // namespace
}  // namespace pgshift::rules::evidence
