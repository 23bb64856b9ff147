variable "name_prefix" {
  description = "Prefix of every resource name, e.g. acme-mocm-prod"
  type        = string
}

variable "aws_region" {
  description = "AWS region of the deployment"
  type        = string
}

variable "environment" {
  description = "Environment tag"
  type        = string
  default     = "prod"
}

variable "vpc_id" {
  description = "VPC of the EKS cluster"
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the EKS cluster"
  type        = list(string)
}

variable "eks_node_security_group_id" {
  description = "Security group of the EKS worker nodes"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the application log group"
  type        = number
  default     = 14
}
