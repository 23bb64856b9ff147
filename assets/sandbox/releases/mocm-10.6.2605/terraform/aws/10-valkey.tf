# Valkey — the application cache from release 10.6.2605 on.
# Single node by default (no replica); the password is generated here and
# stored in AWS Secrets Manager as <name_prefix>/valkey/<valkey_username>.

variable "valkey_username" {
  description = "Application user of the Valkey replication group"
  type        = string
}

variable "valkey_engine_version" {
  description = "Valkey engine version"
  type        = string
  default     = "8.0"
}

variable "valkey_node_type" {
  description = "Node type of the Valkey nodes"
  type        = string
  default     = "cache.t3.micro"
}

variable "valkey_port" {
  description = "Valkey port"
  type        = number
  default     = 6379
}

variable "valkey_family" {
  description = "Parameter group family"
  type        = string
  default     = "valkey8"
}

variable "valkey_num_cache_clusters" {
  description = "Number of nodes (1 = no replica)"
  type        = number
  default     = 1
}

variable "valkey_automatic_failover_enabled" {
  description = "Automatic failover (needs at least 2 nodes)"
  type        = bool
  default     = false
}

resource "random_password" "valkey" {
  length  = 32
  special = false
}

resource "aws_elasticache_subnet_group" "valkey" {
  name        = "${var.name_prefix}-valkey"
  description = "Subnets of the Valkey replication group"
  subnet_ids  = var.private_subnet_ids
}

resource "aws_elasticache_parameter_group" "valkey" {
  name        = "${var.name_prefix}-valkey"
  description = "Valkey parameters"
  family      = var.valkey_family

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_user" "valkey" {
  user_id       = "${var.name_prefix}-${var.valkey_username}"
  user_name     = var.valkey_username
  engine        = "valkey"
  access_string = "on ~* +@all"

  authentication_mode {
    type      = "password"
    passwords = [random_password.valkey.result]
  }
}

resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id       = "${var.name_prefix}-valkey"
  description                = "Application cache (Valkey)"
  engine                     = "valkey"
  engine_version             = var.valkey_engine_version
  node_type                  = var.valkey_node_type
  num_cache_clusters         = var.valkey_num_cache_clusters
  automatic_failover_enabled = var.valkey_automatic_failover_enabled
  port                       = var.valkey_port
  parameter_group_name       = aws_elasticache_parameter_group.valkey.name
  subnet_group_name          = aws_elasticache_subnet_group.valkey.name
  security_group_ids         = [aws_security_group.elasticache.id]
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
}

resource "aws_secretsmanager_secret" "valkey" {
  name        = "${var.name_prefix}/valkey/${var.valkey_username}"
  description = "Connection settings of the Valkey application user"
}

resource "aws_secretsmanager_secret_version" "valkey" {
  secret_id = aws_secretsmanager_secret.valkey.id
  secret_string = jsonencode({
    host     = aws_elasticache_replication_group.valkey.primary_endpoint_address
    port     = var.valkey_port
    username = var.valkey_username
    password = random_password.valkey.result
  })
}

output "valkey_primary_endpoint" {
  description = "Primary endpoint of the Valkey replication group"
  value       = aws_elasticache_replication_group.valkey.primary_endpoint_address
}

output "valkey_secret_arn" {
  description = "Secrets Manager secret with the Valkey connection settings"
  value       = aws_secretsmanager_secret.valkey.arn
}
