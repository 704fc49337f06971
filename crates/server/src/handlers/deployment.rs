//! `/api/deployment`: what the editor needs to know about this deployment.

use axum::extract::State;
use axum::Json;
use tessera_model::DeploymentInfo;

use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/deployment",
    tag = "Deployment",
    summary = "This deployment's origin, roles and remote DAM",
    responses((status = 200, description = "OK", body = DeploymentInfo))
)]
pub async fn info(State(state): State<AppState>) -> Json<DeploymentInfo> {
    let s = &state.settings;
    Json(DeploymentInfo {
        origin: s.public_origin.clone(),
        roles: s.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        remote_dam_url: state.remote_dam_url(),
        mount_point: state.connected.as_ref().map(|c| c.mount_point()),
        aspect_presets: s.images.aspect_presets.clone(),
    })
}
