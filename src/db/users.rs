use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::entities::user::{self, Entity as User};
use super::{DbError, DbResult};
use crate::auth::Role;

pub struct NewUser<'a> {
    pub organization_id: Option<i64>,
    pub email: &'a str,
    pub password_hash: Option<String>,
    pub role: Role,
    pub display_name: &'a str,
}

pub async fn create(db: &impl ConnectionTrait, new: NewUser<'_>) -> DbResult<user::Model> {
    if by_email(db, new.email).await?.is_some() {
        return Err(DbError::Conflict(format!(
            "a user with e-mail {} already exists",
            new.email
        )));
    }
    Ok(user::ActiveModel {
        organization_id: Set(new.organization_id),
        email: Set(new.email.to_string()),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().to_string()),
        display_name: Set(new.display_name.trim().to_string()),
        disabled: Set(false),
        last_login_at: Set(None),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn by_email(db: &impl ConnectionTrait, email: &str) -> DbResult<Option<user::Model>> {
    Ok(User::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<user::Model> {
    User::find_by_id(id).one(db).await?.ok_or(DbError::NotFound)
}

pub async fn count(db: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(User::find().count(db).await?)
}

pub async fn count_admins(db: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(User::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?)
}

/// Staff (admins and recruiters); candidates are listed through their interviews.
pub async fn list_staff(db: &impl ConnectionTrait) -> DbResult<Vec<user::Model>> {
    Ok(User::find()
        .filter(user::Column::Role.ne(Role::Candidate.as_str()))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?)
}

pub async fn touch_login(db: &impl ConnectionTrait, user: user::Model) -> DbResult<()> {
    let mut am: user::ActiveModel = user.into();
    am.last_login_at = Set(Some(super::now()));
    am.update(db).await?;
    Ok(())
}
