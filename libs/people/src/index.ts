export * from './people.module.js';
export * from './users/user.entity.js';
export * from './users/user-environment.entity.js';
export * from './groups/user-group.entity.js';
export * from './groups/user-group-member.entity.js';
export * from './roles/role.entity.js';
export * from './roles/role-assignment.entity.js';
