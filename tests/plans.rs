//! Lists stay fast as a user's tasks accumulate: a page of open tasks, in
//! every sort the API offers and in both directions, is read in index order
//! (one of the `tasks_open_by_*` indexes) and never sorts the user's tasks.
//! Checked on the plans both databases choose for the store's own statement
//! (`store::tasks::list_statement`), with enough rows and statistics that
//! the planners would rather sort if no index matched.

use domain::query::{ListQuery, Sort, SortField, Status};
use domain::task::{Priority, Task};
use integration_tests::native::on_fresh_database;
use store::{Backend, Db, Value};

const TASKS: usize = 3_000;

/// A migrated database with one user who has `TASKS` tasks (a third of
/// them completed) and another user with a few.
fn seeded(db: &Db) -> String {
    db.migrate().unwrap();
    let mut users = Vec::new();
    for n in 0..2 {
        let user = domain::user::User {
            id: uuid::Uuid::new_v4().to_string(),
            email: format!("plans-{n}-{}@example.com", uuid::Uuid::new_v4()),
            name: String::new(),
            created_at: 0,
        };
        store::users::insert_user(db, &user, "unused").unwrap();
        users.push(user.id);
    }
    db.transaction(|db| {
        for i in 0..TASKS {
            let user = &users[usize::from(i % 10 == 0)];
            let mut task = Task::new(
                uuid::Uuid::new_v4().to_string(),
                user.clone(),
                format!("task {i}"),
                i as i64,
            );
            task.priority = [Priority::Low, Priority::Medium, Priority::High][i % 3];
            task.due_at = (i % 4 != 0).then_some(1_000_000 + i as i64);
            if i % 3 == 0 {
                task.completed = true;
                task.completed_at = Some(i as i64);
            }
            store::tasks::insert(db, &task, &[])?;
        }
        Ok(())
    })
    .unwrap();
    db.run("ANALYZE", &[]).unwrap();
    users.swap_remove(0)
}

/// The plan of the list statement as the API runs it (with the session
/// check inside), one line per node or step.
fn plan(db: &Db, user: &str, query: &ListQuery) -> String {
    let gate = store::sessions::Gate {
        session_id: "a session",
        user_id: user,
        now: 0,
    };
    let (sql, params) = store::tasks::list_statement(user, query, Some(&gate));
    let explain = match db.backend() {
        Backend::Postgres => format!("EXPLAIN {sql}"),
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
    };
    db.query(&explain, &params)
        .unwrap()
        .iter()
        .map(|row| {
            row.0
                .iter()
                .filter_map(|v| match v {
                    Value::Text(t) => Some(t.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_open_pages_use_indexes(db: &Db) {
    let user = seeded(db);
    for (field, index) in [
        (SortField::Created, "tasks_open_by_created"),
        (SortField::Priority, "tasks_open_by_priority"),
        (SortField::Title, "tasks_open_by_title"),
        (SortField::Due, "tasks_open_by_due"),
    ] {
        for descending in [false, true] {
            let query = ListQuery {
                status: Status::Open,
                sort: Sort { field, descending },
                limit: 20,
                ..ListQuery::default()
            };
            let plan = plan(db, &user, &query);
            let index = match (field, descending) {
                (SortField::Due, true) => "tasks_open_by_due_desc",
                _ => index,
            };
            let uses_index = plan
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == index);
            assert!(
                uses_index,
                "{:?} {field:?} desc={descending}: expected {index}\n{plan}",
                db.backend()
            );
            let sorts = plan.contains("TEMP B-TREE") || plan.lines().any(|l| l.contains("Sort"));
            assert!(
                !sorts,
                "{:?} {field:?} desc={descending}: sorts\n{plan}",
                db.backend()
            );
        }
    }
    // And the page itself comes out in the order the API promises.
    let page = store::tasks::list(
        db,
        &user,
        &ListQuery {
            status: Status::Open,
            limit: 20,
            ..ListQuery::default()
        },
    )
    .unwrap();
    assert_eq!(page.items.len(), 20);
    assert!(page.items.iter().all(|t| !t.completed));
    assert!(page
        .items
        .windows(2)
        .all(|w| w[0].created_at >= w[1].created_at));
}

#[test]
fn open_pages_read_an_index_on_postgres() {
    on_fresh_database(
        integration_tests::Backend::Postgres,
        "plans",
        check_open_pages_use_indexes,
    );
}

#[test]
fn open_pages_read_an_index_on_sqlite() {
    on_fresh_database(
        integration_tests::Backend::Sqlite,
        "plans",
        check_open_pages_use_indexes,
    );
}
