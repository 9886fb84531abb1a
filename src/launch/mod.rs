//! Starting the real `claude`: finding it, building its environment, running it with signals
//! passed on, and turning its end into our exit code.

mod child;
mod env;
mod find;

pub use child::{ChildExit, run_child};
pub use env::{ChildEnv, EnvChange, child_env, user_chose_model};
pub use find::{find_claude, loop_guard};
